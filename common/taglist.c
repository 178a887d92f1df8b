/* Walking the parts of a tag-list. */
#include "taglist.h"

bool
taglist_next(const char *s, size_t n, size_t *i, const char **t, size_t *tn)
{
	size_t k = *i;
	while (k < n) {
		while (k < n && s[k] != ';')
			k++;
		k++;
		if (k >= n)
			break;
		size_t st = k;
		while (k < n && s[k] != ';')
			k++;
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
