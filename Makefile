# SPDX-License-Identifier: ISC
# domstat: domain and DNS intelligence filters. The only build file.
# Adding a command: one word in CMDS plus its folder cmd/<name>/ (every .c there is linked).

PROJECT  = domstat
VERSION  = 0.1.0
CMDS     = domain-freq seen-db stats-report domain-born dns-scan dns-grade

PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
DATADIR  = $(PREFIX)/share/$(PROJECT)
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions

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

.PHONY: all test asan check demo clean install uninstall installcheck deb lint FORCE bench fuzz fuzz-build fuzz-smoke valgrind freq-table top1m

all: $(BINS)

$(O)/%.o: %.c $(O)/build-flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

# Each command links every object of its own folder with the shared library.
cmd_objs = $(patsubst %.c,$(O)/%.o,$(wildcard cmd/$(1)/*.c))
.SECONDEXPANSION:
$(O)/bin/%: $$(call cmd_objs,$$*) $(O)/libcommon.a $(O)/build-flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out $(O)/build-flags,$^) $(LIBS)

# What a build folder was made with, rewritten only when it changes (git's GIT-CFLAGS): new
# flags rebuild the folder, a new PREFIX rebuilds tool.o (the one user of DATADIR) and relinks.
# A copy of the folder rebuilds alike with `make -f Makefile -f COPY/build-flags O=COPY`.
$(O)/build-flags: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' 'CC = $(CC)' 'CFLAGS = $(CFLAGS)' 'LDFLAGS = $(LDFLAGS)' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(O)/datadir: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' >$@.new; if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(O)/common/tool.o: $(O)/datadir
FORCE:

# Objects are not intermediate files: keep them so rebuilds stay incremental.
.SECONDARY:

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# The test command README and .ci/run use. BIN selects which build the suite runs.
BATS ?= bats
# Test files run two at a time when GNU parallel is there (each file's tests stay in order).
BATSJOBS ?= $(shell command -v parallel >/dev/null 2>&1 && echo --jobs 2 --no-parallelize-within-files)
test: all
	DOMSTAT_BIN=$(abspath $(O)/bin) $(BATS) $(BATSJOBS) $(BATSFLAGS) tests/bats

# The whole suite against an AddressSanitizer + UndefinedBehaviorSanitizer build.
ASAN_FLAGS = O=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined' \
	LDFLAGS='-fsanitize=address,undefined'
asan:
	$(MAKE) -j2 $(ASAN_FLAGS) all
	$(MAKE) $(ASAN_FLAGS) test

# Every command under valgrind's memcheck on a small pipeline (also part of `make test`).
valgrind: all
	DOMSTAT_BIN=$(abspath $(O)/bin) $(BATS) $(BATSFLAGS) tests/bats/valgrind.bats

# What CI and README run: the whole suite on the normal build and on the sanitizer build, and a
# second of each fuzz target. The three are mostly waiting (servers, pipes, sleeps), so
# they run side by side once everything is built; each writes its own log, printed whole in
# turn afterwards so the TAP lines of one suite stay together. CHECKJOBS: bats jobs per suite.
CHECKJOBS ?= $(shell command -v parallel >/dev/null 2>&1 && echo --jobs 3 --no-parallelize-within-files)
check:
	@$(MAKE) -j2 all && $(MAKE) -j2 $(ASAN_FLAGS) all && $(MAKE) -j2 fuzz-build || exit 2; \
	mkdir -p build/check; \
	$(MAKE) --no-print-directory test BATSJOBS='$(CHECKJOBS)' >build/check/test.log 2>&1 & t=$$!; \
	$(MAKE) --no-print-directory $(ASAN_FLAGS) test BATSJOBS='$(CHECKJOBS)' >build/check/asan.log 2>&1 & s=$$!; \
	$(MAKE) --no-print-directory fuzz-smoke >build/check/fuzz.log 2>&1 & f=$$!; \
	wait $$t; a=$$?; wait $$s; b=$$?; wait $$f; c=$$?; \
	echo "== suite, normal build"; cat build/check/test.log; \
	echo "== suite, AddressSanitizer and UndefinedBehaviorSanitizer build"; cat build/check/asan.log; \
	echo "== fuzz smoke"; cat build/check/fuzz.log; \
	exit $$((a | b | c))

# Fuzzing with clang's libFuzzer: one target per parser of outside data, fuzz/<target>.c,
# built with AddressSanitizer and UndefinedBehaviorSanitizer into build-fuzz/fuzz/<target>.
# `make fuzz FUZZ_SECONDS=300` runs each in turn for that long, from its seeds in
# fuzz/corpus/<target>/ (kept in git, crash regressions included) and the inputs found so far
# in build-fuzz/corpus/<target>/; a crash leaves build-fuzz/crash/<target>-* and stops.
# FUZZ_TARGETS='jscan date' picks targets; FUZZ_FLAGS adds libFuzzer options.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 1
FUZZ_NICE    ?= nice -n 19
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_MAKE     = $(MAKE) O=build-fuzz CC=$(FUZZ_CC) \
	CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	LDFLAGS='-fsanitize=fuzzer $(FUZZ_SAN)'

fuzz-build:
	@$(FUZZ_MAKE) $(FUZZ_TARGETS:%=build-fuzz/fuzz/%)

$(O)/fuzz/%: $(O)/fuzz/%.o $(O)/libcommon.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LIBS)
# seen-db's import formats are parsed inside the command: that target links its import.o.
$(O)/fuzz/seen_import: $(O)/cmd/seen-db/import.o
$(O)/fuzz/seen_import.o: ALL_CPPFLAGS += -Icmd/seen-db
# dns-grade reads the dns member and grades inside the command: that target links every
# object of it but the one with main() and the output.
$(O)/fuzz/dns_member: $(filter-out %/dns-grade.o,$(call cmd_objs,dns-grade))
$(O)/fuzz/dns_member.o: ALL_CPPFLAGS += -Icmd/dns-grade

# nice: fuzzing shares the machine with builds and tests. A smaller ASan quarantine keeps
# freed memory warm and doubles the speed of the targets that allocate per input.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t build-fuzz/crash; \
		echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
		ASAN_OPTIONS=$${ASAN_OPTIONS:-quarantine_size_mb=32} \
		$(FUZZ_NICE) build-fuzz/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
			-print_final_stats=1 -artifact_prefix=build-fuzz/crash/$$t- \
			$$( [ -f fuzz/$$t.dict ] && echo -dict=fuzz/$$t.dict ) $(FUZZ_FLAGS) \
			build-fuzz/corpus/$$t fuzz/corpus/$$t 2>build-fuzz/$$t.log || \
			{ tail -n 60 build-fuzz/$$t.log; exit 1; }; \
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' build-fuzz/$$t.log; \
	done

# The smoke runs beside both suites in `make check`: at nice 19 a target got so little CPU
# there that an input needing 0.3 s (the n-gram model's smoothing) passed libFuzzer's
# wall-clock timeout of 10 s. At nice 10 (about a tenth of a suite process's share) such an
# input takes a few seconds there, well inside 60 s, and the smoke's seconds, which are wall
# time, leave most of the machine to the suites.
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_NICE='nice -n 10' \
		FUZZ_TIMEOUT=60

# The whole toolchain on bundled samples (share/examples/demo.sh): log enrichment of
# eve-dns.ndjson and DNS health of demo-domains.txt, then the text reports. Network steps
# (DNS, RDAP) have short timeouts; without internet the demo says which could not reach the
# network and completes the offline ones. Its store is $(O)/demo/demo.db: a second run raises
# no first contacts. DEMO_FLAGS passes DOMSTAT_DEMO_* settings, e.g. a resolver.
demo: all
	@PATH=$(abspath $(O)/bin):$$PATH DOMSTAT_DEMO_DIR=$(O)/demo $(DEMO_FLAGS) sh share/examples/demo.sh

# Every command, its manual page, the overview page, all of share/ (whatever is added there; scripts keep their x bit)
# and the shell completions; uninstall removes exactly that, and the folders only domstat uses
# when they are left empty. Installed commands find share/ next to their bin/ (relocatable:
# DESTDIR staging and packages work), else in the DATADIR compiled in; `make installcheck`.
SHARE_FILES = $(shell cd share && find . -type f ! -name '.*' | sed 's,^\./,,' | LC_ALL=C sort)
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(CMDS:%=man/man1/%.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/man7/$(PROJECT).7 $(DESTDIR)$(MANDIR)/man7/
	@set -e; for f in $(SHARE_FILES); do \
		m=644; [ -x "share/$$f" ] && m=755; \
		echo "install -D -m $$m share/$$f $(DESTDIR)$(DATADIR)/$$f"; \
		install -D -m $$m "share/$$f" "$(DESTDIR)$(DATADIR)/$$f"; done
	for c in $(CMDS); do install -m 644 completion/$(PROJECT).bash $(DESTDIR)$(BASHCOMPDIR)/$$c; done
	install -m 644 completion/_$(PROJECT) $(DESTDIR)$(ZSHCOMPDIR)/

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(BINDIR)/%) $(CMDS:%=$(DESTDIR)$(MANDIR)/man1/%.1)
	rm -f $(DESTDIR)$(MANDIR)/man7/$(PROJECT).7
	rm -f $(CMDS:%=$(DESTDIR)$(BASHCOMPDIR)/%) $(DESTDIR)$(ZSHCOMPDIR)/_$(PROJECT)
	rm -rf $(DESTDIR)$(DATADIR)
	-rmdir $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(PREFIX)/share/bash-completion \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(PREFIX)/share/zsh 2>/dev/null

# The installed tree works on its own: each installed command answers --version and finds
# its shipped data there (not in this checkout), and the completion offers its options.
installcheck:
	@set -e; d=$(DESTDIR)$(PREFIX); t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; cd "$$t"; \
	for c in $(CMDS); do "$$d/bin/$$c" --version >/dev/null; done; \
	echo example.com | "$$d/bin/domain-freq" | grep -q '"freq_score":\['; \
	echo '{"domain":"example.com","dns":{"v":1,"domain":"example.com","queries":[]}}' | \
		"$$d/bin/dns-grade" 2>err >/dev/null; if [ -s err ]; then cat err >&2; exit 1; fi; \
	"$$d/bin/seen-db" --db t.db import "$$d/share/$(PROJECT)/top1m.import" 2>/dev/null; \
	"$$d/bin/seen-db" --db t.db get 1gb.ua >/dev/null; \
	bash -c '. "$$1/share/bash-completion/completions/dns-scan" && complete -p dns-scan' \
		sh "$$d" >/dev/null; \
	echo "installcheck: $$d ok"

# A Debian package, built by dpkg-buildpackage (debhelper, from debian/) in a copy of the
# source tree in build-deb/, then unpacked there and checked like an install (installcheck).
# Needs: dpkg-dev, debhelper, fakeroot (.ci/packages-deb). Not part of `make check`.
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
deb:
	rm -rf build-deb && mkdir -p build-deb/$(PROJECT)-$(VERSION)
	tar -cf - --exclude='./build*' --exclude=./.git --exclude='./debian/$(PROJECT)' . | \
		tar -xf - -C build-deb/$(PROJECT)-$(VERSION)
	cd build-deb/$(PROJECT)-$(VERSION) && dpkg-buildpackage -us -uc -b
	dpkg-deb -x build-deb/$(PROJECT)_$(DEB_VERSION)_*.deb build-deb/root
	$(MAKE) --no-print-directory installcheck DESTDIR=$(abspath build-deb/root) PREFIX=/usr
	@ls build-deb/*.deb

lint:
	mandoc -Tlint -Wwarning man/man1/*.1 man/man7/*.7
	awk -f tests/man-quotes.awk man/man1/*.1 man/man7/*.7
	clang-format --dry-run --Werror common/*.[ch] cmd/*/*.[ch] fuzz/*.[ch]
	@if command -v shellcheck >/dev/null; then \
		echo "shellcheck -s sh share/examples/*.sh share/zeek/*.sh"; \
		shellcheck -s sh share/examples/*.sh share/zeek/*.sh; fi

bench: all
	@for b in bench/*.sh; do echo "== $$b"; DOMSTAT_BIN=$(abspath $(O)/bin) sh "$$b" || exit 1; done

# The default frequency table, trained by our own trainer on corpora Debian ships
# (see README "Data"). Needs: wamerican, publicsuffix, base-files' licence texts.
# The n-gram model is trained on the odd-ranked half of SHARED's benign list when it is there
# (the even-ranked half is what bench/freq-quality.sh measures on); without it the shipped
# model stays as it is.
SHARED = ../shared
freq-table: $(O)/bin/domain-freq
	sh share/freq/make-table.sh $(O)/bin/domain-freq > share/freq/domstat.freq.tmp
	mv share/freq/domstat.freq.tmp share/freq/domstat.freq
	@if [ -r "$(SHARED)/datasets/top-1m.csv" ]; then \
		echo "sh share/freq/make-ngram.sh $(O)/bin/domain-freq $(SHARED)/datasets/top-1m.csv > share/freq/domstat.ngram"; \
		sh share/freq/make-ngram.sh $(O)/bin/domain-freq "$(SHARED)/datasets/top-1m.csv" \
			> share/freq/domstat.ngram.tmp && mv share/freq/domstat.ngram.tmp share/freq/domstat.ngram; \
	else echo "freq-table: no $(SHARED)/datasets/top-1m.csv: share/freq/domstat.ngram kept as shipped"; fi

# The seed list seen-db ships: registrable domains named in the Public Suffix List's comments
# (Debian's publicsuffix package, MPL-2.0). See share/make-top1m.sh and seen-db(1).
top1m: $(O)/bin/seen-db
	sh share/make-top1m.sh $(O)/bin/seen-db /usr/share/publicsuffix/public_suffix_list.dat \
		> share/top1m.import.tmp
	mv share/top1m.import.tmp share/top1m.import

clean:
	rm -rf build build-asan build-fuzz build-deb
