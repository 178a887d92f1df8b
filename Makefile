# domstat: domain and DNS intelligence filters. The only build file.
# Adding a command: one word in CMDS plus its folder cmd/<name>/ (every .c there is linked).

PROJECT  = domstat
VERSION  = 0.1.0
CMDS     = domain-freq seen-db stats-report domain-born dns-scan dns-grade

PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DATADIR  = $(PREFIX)/share/$(PROJECT)

# O is the build folder; `make asan` uses another one so both builds can coexist.
O       ?= build
CC      ?= cc
PKGS     = ldns libcurl json-c sqlite3 libpsl libidn2
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS))
ALL_CPPFLAGS = -D_GNU_SOURCE -Icommon -DPROJECT='"$(PROJECT)"' -DVERSION='"$(VERSION)"' \
	       -DDATADIR='"$(DATADIR)"' $(CPPFLAGS)
LIBS     = $(shell pkg-config --libs $(PKGS)) -lunistring -lm

COMMON_SRC = $(wildcard common/*.c)
COMMON_OBJ = $(COMMON_SRC:%.c=$(O)/%.o)
BINS       = $(CMDS:%=$(O)/bin/%)

.PHONY: all test asan check demo clean install uninstall lint bench fuzz fuzz-smoke freq-table top1m

all: $(BINS)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

# Each command links every object of its own folder with the shared library.
cmd_objs = $(patsubst %.c,$(O)/%.o,$(wildcard cmd/$(1)/*.c))
.SECONDEXPANSION:
$(O)/bin/%: $$(call cmd_objs,$$*) $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Objects are not intermediate files: keep them so rebuilds stay incremental.
.SECONDARY:

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# The test command README and .ci/run use. BIN selects which build the suite runs.
BATS ?= bats
test: all
	DOMSTAT_BIN=$(abspath $(O)/bin) $(BATS) $(BATSFLAGS) tests/bats

# The whole suite against an AddressSanitizer + UndefinedBehaviorSanitizer build.
asan:
	$(MAKE) O=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined' \
		LDFLAGS='-fsanitize=address,undefined' test

# What CI and README run: the whole suite on the normal build, then on the sanitizer build.
check:
	@$(MAKE) test; a=$$?; $(MAKE) asan; b=$$?; exit $$((a | b))

# The enrichment job on the bundled sample of Suricata DNS log lines.
demo: all
	@$(O)/bin/domain-freq -f dns.rrname < share/examples/eve-dns.ndjson || [ $$? -eq 1 ]

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(CMDS:%=man/man1/%.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/man7/$(PROJECT).7 $(DESTDIR)$(MANDIR)/man7/
	cd share && find . -type f ! -name '.*' | while read -r f; do \
		install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/$$f"; done

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(BINDIR)/%) $(CMDS:%=$(DESTDIR)$(MANDIR)/man1/%.1)
	rm -f $(DESTDIR)$(MANDIR)/man7/$(PROJECT).7
	rm -rf $(DESTDIR)$(DATADIR)

lint:
	mandoc -Tlint -Wwarning man/man1/*.1 man/man7/*.7
	clang-format --dry-run --Werror common/*.[ch] cmd/*/*.[ch]

bench: all
	@for b in bench/*.sh; do echo "== $$b"; DOMSTAT_BIN=$(abspath $(O)/bin) sh "$$b" || exit 1; done

# The default frequency table, trained by our own trainer on corpora Debian ships
# (see README "Data"). Needs: wamerican, publicsuffix, base-files' licence texts.
freq-table: $(O)/bin/domain-freq
	sh share/freq/make-table.sh $(O)/bin/domain-freq > share/freq/domstat.freq.tmp
	mv share/freq/domstat.freq.tmp share/freq/domstat.freq

clean:
	rm -rf build build-asan build-fuzz
