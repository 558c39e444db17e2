# Testigo: document archive and full-text search.
#
#   make            build bin/testigo-index, bin/testigo-search, bin/testigo-web
#   make demo       install what is missing, build, index corpus/, serve it on
#                   http://127.0.0.1:8080/ until Ctrl-C (PORT=N for another port)
#   make check      install what is missing, build with ASan+UBSan, run every test
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      benchmarks against omindex and recollindex (bench/RESULTS.md)
#
# Project flags are added to the user's CFLAGS; SANITIZE=1 builds with
# AddressSanitizer and UndefinedBehaviorSanitizer into build/asan; V=1 shows
# the commands.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CXX ?= c++
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

V ?= 0
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1) $@"
endif

ifeq ($(SANITIZE),1)
BUILD := build/asan
BIN := build/asan/bin
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD := build/release
BIN := bin
SANFLAGS :=
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wpointer-arith -Wcast-align \
        -Wundef -Wwrite-strings
CWARN := $(WARN) -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition

# Outside libraries, for linking.  Compiling is narrower: each library's
# flags go only to the files that wrap it (PKGS below), and
# scripts/check-includes.sh checks that no other file includes it.
LIB_PKGS := xapian-core jansson libutf8proc nettle libexttextcat
INDEXER_PKGS := $(LIB_PKGS) libmagic poppler-glib libarchive cairo tesseract lept libexif libxml-2.0 \
                gmime-3.0 libpng zlib
SEARCH_PKGS := $(LIB_PKGS)
WEB_PKGS := $(LIB_PKGS) libmicrohttpd

pkg_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pkg_libs = $(shell $(PKG_CONFIG) --libs $(1))

# lib/ in four parts: base (buffers, text, hashing), index (Xapian, schema,
# store, log), evidence (dates, persons, identity numbers, sidecars), read
# (query, snippets, search, export).  Headers are included by name.
LIB_INC := -Ilib/base -Ilib/index -Ilib/evidence -Ilib/read
# indexer/: worker/ runs in the sandboxed worker processes (everything that
# touches a hostile byte), coordinator/ in the indexer itself; proto.h, the
# messages between them, is in indexer/.  Each side sees only its own
# headers and proto.h (scripts/check-includes.sh checks it too); main.c,
# which starts either, and the unit tests see both.
INDEXER_INC := -Iindexer -Iindexer/coordinator -Iindexer/worker
$(BUILD)/indexer/coordinator/%.o: INDEXER_INC := -Iindexer -Iindexer/coordinator
$(BUILD)/indexer/worker/%.o: INDEXER_INC := -Iindexer -Iindexer/worker
$(BUILD)/indexer/proto.o: INDEXER_INC := -Iindexer

ALL_CFLAGS := -std=c11 -D_FILE_OFFSET_BITS=64 $(CWARN) $(SANFLAGS) $(LIB_INC) $(CFLAGS)
ALL_CXXFLAGS := -std=c++17 $(WARN) $(SANFLAGS) $(LIB_INC) $(CXXFLAGS)
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

# JSON (jansson) is the format of records, messages, logs and the API;
# every other library is behind one file.
PKGS := jansson
$(BUILD)/lib/base/hash.o: PKGS += nettle
$(BUILD)/lib/base/text.o: PKGS += libutf8proc
$(BUILD)/lib/base/lang.o: PKGS += libexttextcat
$(BUILD)/lib/index/xap.o: PKGS += xapian-core
$(BUILD)/indexer/worker/detect.o: PKGS += libmagic
$(BUILD)/indexer/worker/extract_pdf.o: PKGS += poppler-glib cairo
$(BUILD)/indexer/worker/ocr.o: PKGS += tesseract lept
$(BUILD)/indexer/worker/pngio.o: PKGS += libpng zlib
$(BUILD)/indexer/worker/exif.o: PKGS += libexif
$(BUILD)/indexer/worker/bundle.o: PKGS += libarchive
$(BUILD)/indexer/worker/xml.o: PKGS += libxml-2.0
$(BUILD)/indexer/worker/extract_email.o: PKGS += gmime-3.0
$(BUILD)/web/server.o: PKGS += libmicrohttpd

LIB_C := $(sort $(wildcard lib/*/*.c))
LIB_CXX := lib/index/xap.cc
INDEXER_C := $(sort $(wildcard indexer/*.c indexer/*/*.c))
SEARCH_C := $(sort $(wildcard search/*.c))
WEB_C := $(sort $(wildcard web/*.c))
WEB_STATIC := $(sort $(wildcard web/static/*))
TOOLS_C := $(sort $(wildcard tests/tools/*.c))

LIB_OBJ := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CXX:%.cc=$(BUILD)/%.o) $(BUILD)/gen/givennames.o
INDEXER_OBJ := $(INDEXER_C:%.c=$(BUILD)/%.o) $(BUILD)/gen/magicrules.o
SEARCH_OBJ := $(SEARCH_C:%.c=$(BUILD)/%.o)
# web/static/ is embedded by a C file generated in the build folder
WEB_OBJ := $(WEB_C:%.c=$(BUILD)/%.o) $(BUILD)/web/assets.o
LIBTESTIGO := $(BUILD)/libtestigo.a

PROGRAMS := $(BIN)/testigo-index $(BIN)/testigo-search $(BIN)/testigo-web

UNIT_C := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_C:tests/unit/%.c=$(BUILD)/tests/%)
# small programs the integration tests use (not tests themselves)
TOOLS_BIN := $(TOOLS_C:tests/tools/%.c=$(BUILD)/tests/tools/%)

.PHONY: all deps demo check test unit integration install clean format format-check bench bench-bins \
	web-test-deps

all: $(PROGRAMS)

$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/lib/%.o: lib/%.cc
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CXX) $(ALL_CXXFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/indexer/%.o: indexer/%.c
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(INDEXER_INC) $(call pkg_cflags,$(PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/search/%.o: search/%.c
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c $< -o $@

# Testigo's own libmagic rules for text and for the documents known by their
# first bytes (see indexer/worker/detect.c), compiled with file(1) and
# embedded in the program.
MAGIC_RULES := $(BUILD)/gen/text.magic.mgc $(BUILD)/gen/header.magic.mgc

$(BUILD)/gen/%.magic.mgc: indexer/worker/%.magic
	@mkdir -p $(@D)
	$(call say,MAGIC)
	$(Q)cp $< $(@D)/$*.magic && cd $(@D) && file -C -m $*.magic

$(BUILD)/gen/magicrules.c: $(MAGIC_RULES) scripts/embed.sh
	$(call say,GEN)
	$(Q)scripts/embed.sh tg_magic_rules $(MAGIC_RULES) >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/magicrules.o: $(BUILD)/gen/magicrules.c
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Testigo's list of given names (lib/base/lexicon.c), embedded in the library.
$(BUILD)/gen/givennames.c: lib/base/given-names.txt scripts/embed.sh
	@mkdir -p $(@D)
	$(call say,GEN)
	$(Q)scripts/embed.sh tg_given_names lib/base/given-names.txt >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/givennames.o: $(BUILD)/gen/givennames.c
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/web/%.o: web/%.c
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(PKGS)) -MMD -MP -c $< -o $@

$(BUILD)/web/assets.c: $(WEB_STATIC) scripts/embed.sh
	@mkdir -p $(@D)
	$(call say,GEN)
	$(Q)scripts/embed.sh web_assets $(WEB_STATIC) >$@.tmp && mv $@.tmp $@

$(BUILD)/web/assets.o: $(BUILD)/web/assets.c web/assets.h
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) -Iweb -c $< -o $@

$(LIBTESTIGO): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(call say,AR)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/testigo-index: $(INDEXER_OBJ) $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,LD)
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(INDEXER_PKGS))

$(BIN)/testigo-search: $(SEARCH_OBJ) $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,LD)
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(SEARCH_PKGS))

$(BIN)/testigo-web: $(WEB_OBJ) $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,LD)
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(WEB_PKGS)) -lpthread

# Unit tests may reach into the indexer's modules (extractors, walk) and the
# web front end's (rendering, routes) as well as the library; each links
# those objects except the mains (and the web's HTTP server).
INDEXER_LIB_OBJ := $(filter-out $(BUILD)/indexer/main.o,$(INDEXER_OBJ))
WEB_LIB_OBJ := $(filter-out $(BUILD)/web/main.o $(BUILD)/web/server.o,$(WEB_OBJ))

$(BUILD)/tests/test_%: tests/unit/test_%.c $(INDEXER_LIB_OBJ) $(WEB_LIB_OBJ) $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(INDEXER_INC) -Iweb $(call pkg_cflags,$(INDEXER_PKGS) cmocka) -c $< -o $@.o
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $@.o $(INDEXER_LIB_OBJ) $(WEB_LIB_OBJ) $(LIBTESTIGO) \
		$(call pkg_libs,$(INDEXER_PKGS) cmocka)

$(BUILD)/tests/tools/%: tests/tools/%.c $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(LIB_PKGS)) -c $< -o $@.o
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $@.o $(LIBTESTIGO) $(call pkg_libs,$(LIB_PKGS))

# The browser test's driver (playwright-core, pinned in tests/web/); its
# failure to install is reported by the browser test itself.
WEB_TEST_DEPS := tests/web/node_modules/.package-lock.json
$(WEB_TEST_DEPS): tests/web/package.json tests/web/package-lock.json
	@cd tests/web && npm ci --no-audit --no-fund --loglevel=error || \
		echo "make: could not install tests/web (npm ci); the browser test will fail" >&2

web-test-deps: $(WEB_TEST_DEPS)

deps:
	@scripts/deps.sh test

# The main job: build, index the sample corpus, show some searches, serve it.
PORT ?= 8080
demo:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@PORT=$(PORT) scripts/demo.sh

# Every test, under ASan and UBSan; ends with "N passed, N failed".  The
# format check and the check that each outside library stays behind its
# one file come first: either failing fails the check.
check:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory format-check
	@scripts/check-includes.sh
	@scripts/check-compose.sh
	@$(MAKE) --no-print-directory SANITIZE=1 all unit-bins
	@$(MAKE) --no-print-directory web-test-deps
	@tests/run.sh build/asan

test: check

unit-bins: $(UNIT_BIN) $(TOOLS_BIN)

# make bench: never part of make check (it takes most of an hour on two
# cores); bench/run.sh says what it measures and which variables narrow it
# (RUNS, SETS, BENCH_SCALE, TOOLS, OUT).  docs/benchmarking.md.
bench: bench-bins
	@bench/run.sh

bench-bins:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(BUILD)/bench/floor $(BUILD)/bench/pdffloor

# the floor under small-file indexing, for make bench (bench/floor.c)
$(BUILD)/bench/floor: bench/floor.c $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(LIB_PKGS)) -c $< -o $@.o
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $@.o $(LIBTESTIGO) $(call pkg_libs,$(LIB_PKGS))

# the floor under PDF indexing (bench/pdffloor.c): a benchmark tool, not
# Testigo, so it may include poppler-glib beside indexer/worker/extract_pdf.c
# (scripts/check-includes.sh says so); the flags go to this file only
$(BUILD)/bench/pdffloor: bench/pdffloor.c $(LIBTESTIGO)
	@mkdir -p $(@D)
	$(call say,CC)
	$(Q)$(CC) $(ALL_CFLAGS) $(call pkg_cflags,$(LIB_PKGS) poppler-glib) -c $< -o $@.o
	$(Q)$(CXX) $(ALL_LDFLAGS) -o $@ $@.o $(LIBTESTIGO) $(call pkg_libs,$(LIB_PKGS) poppler-glib)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

clean:
	rm -rf build bin

FORMAT_FILES := $(wildcard lib/*/*.[ch] lib/*/*.cc indexer/*.[ch] indexer/*/*.[ch] search/*.[ch] \
	web/*.[ch] tests/unit/*.c tests/tools/*.c bench/*.c)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && \
		echo "format-check: $(words $(FORMAT_FILES)) files formatted as .clang-format says"

-include $(LIB_OBJ:.o=.d) $(INDEXER_OBJ:.o=.d) $(SEARCH_OBJ:.o=.d) $(WEB_OBJ:.o=.d)
