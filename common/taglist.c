/* Walking the parts of a tag-list. */
#include <string.h>

#include "taglist.h"

bool
taglist_next(const char *s, size_t n, size_t *i, const char **t, size_t *tn)
{
	size_t k = *i;
	while (k < n) {
		const char *semi = memchr(s + k, ';', n - k);
		if (!semi)
			break;
		k = (size_t)(semi - s) + 1;
		if (k >= n)
			break;
		size_t st = k;
		semi = memchr(s + k, ';', n - k);
		k = semi ? (size_t)(semi - s) : n;
		const char *p = s + st;
		size_t pn = k - st;
		while (pn && (*p == ' ' || *p == '\t'))
			p++, pn--;
		while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
			pn--;
		if (pn == 0)
			continue;
		*i = k;
		*t = p;
		*tn = pn;
		return true;
	}
	*i = n;
	return false;
}
