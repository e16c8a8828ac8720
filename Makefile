# opsreport: plain Makefile.  `make` builds, `make check` runs every test
# (also under AddressSanitizer + UndefinedBehaviorSanitizer), `make demo`
# renders the samples into out/, `make bench` measures.
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
BUILD    := build
PKGS     := libxml-2.0 harfbuzz harfbuzz-subset sqlite3 json-c libzip libpng libjpeg

WARN     := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
CPPFLAGS += -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc
OPT      ?= -O2 -g
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# `make` alone builds the binary: without this the first rule below (the
# generated build/config.mk) would be the default goal.
.DEFAULT_GOAL := all

# Library modules (everything but main.c).  Listed, not globbed: a module
# joins the build when it is ready.
LIB_MODULES := diag pathfmt alloc buf arena atomicout xmlin utf8 personal datetime display doc image layout textbreak chart fonts pdfout calendar period records records_kinds records_probes cli kpi facts facts_kpi facts_xml dataset template template_funcs money render probewrite kuma promjson import_probes csvin xlsx importmap import init

TEST_NAMES  := utf8 personal datetime buf xmlin atomicout calendar period chart fonts pdfout image records textbreak facts template import_probes import

# Package flags come from a generated file so that pkg-config runs after
# .ci/deps.sh has installed what is missing (make restarts after remaking it).
ifeq ($(filter clean,$(MAKECMDGOALS)),)
-include $(BUILD)/config.mk
endif

$(BUILD)/config.mk: .ci/deps.sh Makefile
	@mkdir -p $(BUILD)
	@sh .ci/deps.sh
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS := $$(pkg-config --libs $(PKGS)) -lhpdf -lcsv -lm"; } > $@.tmp && mv $@.tmp $@

LIBS := $(PKG_LIBS)

PO_FILES := $(wildcard po/*.po)
LANGS    := $(PO_FILES:po/%.po=%)
MO_FILES := $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/opsreport.mo)

# --- object files: release in build/rel, sanitized in build/san ----------
REL_OBJS := $(LIB_MODULES:%=$(BUILD)/rel/%.o)
SAN_OBJS := $(LIB_MODULES:%=$(BUILD)/san/%.o)

$(BUILD)/rel/%.o: src/%.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "CC      $<"
	@$(CC) $(WARN) $(OPT) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/%.o: src/%.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "CC san  $<"
	@$(CC) $(WARN) -O1 -g $(SANITIZE) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/san/test_%.o: tests/test_%.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	@echo "CC san  $<"
	@$(CC) $(WARN) -O1 -g $(SANITIZE) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

-include $(REL_OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(TEST_NAMES:%=$(BUILD)/san/test_%.d)

.SECONDARY:
.PHONY: all check unit-tests demo bench install clean deps soak lint pot
all: opsreport $(MO_FILES)

# --- messages: po/LANG.po -> build/locale/LANG/LC_MESSAGES/opsreport.mo --
# Every format given to diag_error, diag_warn and the modules' error
# helpers is a message (src/i18n.h); `make pot` extracts them and merges
# them into each po/LANG.po (tests/e2e/i18n.sh fails on an untranslated one).
XGETTEXT_KEYS := -k_ -kN_ -kngettext:1,2 -krec_attr:5 -krec_unexpected:4 \
  $(foreach f,diag_error:4 diag_warn:4 diag_verror:4 lerr:3 rfail:4 ffail:2 template_fctx_fail:2 xlsx_bad:4 \
      imp_err:3 img_fail:3 rec_file_error:3 rec_file_warning:3 cli_usage_error:1 init_usage_error:1 ip_usage_error:1 doc_err:3,-k$(f) --flag=$(f):c-format)
pot:
	xgettext --from-code=UTF-8 $(XGETTEXT_KEYS) --package-name=opsreport --no-location --sort-output \
	  -o po/opsreport.pot src/*.c
	for po in $(PO_FILES); do msgmerge -q --update --backup=none --no-fuzzy-matching $$po po/opsreport.pot; done

$(BUILD)/locale/%/LC_MESSAGES/opsreport.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "MSGFMT  $<"
	@msgfmt --check -o $@ $<

deps:
	@sh .ci/deps.sh

ifneq ($(wildcard src/main.c),)
opsreport: $(REL_OBJS) $(BUILD)/rel/main.o
	$(CC) $(OPT) $^ $(LIBS) -o $@

$(BUILD)/san/opsreport: $(SAN_OBJS) $(BUILD)/san/main.o
	$(CC) $(SANITIZE) $^ $(LIBS) -o $@
SAN_BIN := $(BUILD)/san/opsreport
else
opsreport:
	@echo "src/main.c not written yet"; exit 1
SAN_BIN :=
endif

TEST_BINS := $(TEST_NAMES:%=$(BUILD)/san/test_%)
$(BUILD)/san/test_%: $(BUILD)/san/test_%.o $(SAN_OBJS)
	$(CC) $(SANITIZE) $^ $(LIBS) -lcmocka -o $@

# Unit tests (cmocka) and end-to-end tests (the sanitized binary, checked
# with qpdf, pdffonts, pdftotext and pdftoppm).  tests/run.sh prints the
# "N passed, N failed" line and fails on any failure or on zero tests.
$(BUILD)/inkcheck: tests/inkcheck.c
	@mkdir -p $(dir $@)
	@$(CC) $(WARN) -O2 $< -o $@

# tests/e2e/generative.sh renders with the release binary (GEN_BIN) for
# speed and with the sanitized one for a few periods.
check: $(TEST_BINS) $(SAN_BIN) $(BUILD)/inkcheck opsreport $(MO_FILES)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  OPSREPORT_HOME=$(CURDIR) OPSREPORT_BIN=$(SAN_BIN) GEN_BIN=./opsreport INKCHECK=$(BUILD)/inkcheck sh tests/run.sh $(TEST_BINS)

# Generative soak: N random-shape record sets (seeds FIRST, FIRST+1, ...),
# every document for every period of each term.
N     ?= 200
FIRST ?= 1000
soak: opsreport $(SAN_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 OPSREPORT_HOME=$(CURDIR) OPSREPORT_BIN=$(SAN_BIN) \
	  GEN_BIN=./opsreport sh tests/e2e/generative.sh --soak $(N) $(FIRST)

unit-tests: $(TEST_BINS)

# Banned functions, unchecked path formatting, -Wformat=2 (tests/lint.sh).
lint: $(BUILD)/config.mk
	@CC="$(CC)" CFLAGS_LINT="$(PKG_CFLAGS)" sh tests/lint.sh

demo: opsreport
	@sh samples/demo.sh ./opsreport out

bench: opsreport
	@sh bench/run.sh ./opsreport

# Debian's layout under PREFIX: the binary, its data (share/opsreport),
# the manual (share/man/man1), the guides (share/doc/opsreport),
# the catalogs (share/locale) and bash completion.
DOCS := README.md README.zh-CN.md docs/*.md
install: opsreport $(MO_FILES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/opsreport $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/doc/opsreport $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 opsreport $(DESTDIR)$(PREFIX)/bin/opsreport
	cp -R fonts templates data $(DESTDIR)$(PREFIX)/share/opsreport/
	install -m 644 man/opsreport.1 $(DESTDIR)$(PREFIX)/share/man/man1/opsreport.1
	install -m 644 $(DOCS) $(DESTDIR)$(PREFIX)/share/doc/opsreport/
	install -m 644 contrib/opsreport.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/opsreport
	for l in $(LANGS); do install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/opsreport.mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/; done

clean:
	rm -rf $(BUILD) opsreport out tests/out bench/out
