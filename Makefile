# flopwatt build. Everything built goes under $(BUILD) (default build/).
#
#   make            build/flopwatt and the libraries
#   make run        install missing Debian packages, build, run the main job on the shipped
#                   default config
#   make test       install missing Debian packages, build, run every test
#   make test-asan  the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-valgrind  the CLI tests with every flopwatt process under valgrind memcheck
#   make fuzz FUZZ_SECONDS=N  every libFuzzer harness (tests/fuzz) N seconds
#   make test-long  the long variants (10^8 numerics cases, larger layers)
#   make bench      benchmarks, printing figures and ratios
#   make lint       cppcheck, verilator lint, the one-way dependency check
#   make install PREFIX=/usr/local  binary, share/flopwatt, man page, completion, headers,
#                   static libraries, flopwatt.pc
#
# Sources are found by directory, so adding a .c file needs no Makefile edit:
#   models/numerics/*.c      -> libflopwatt_numerics.a (libc only; linked by the RTL harnesses)
#   models/common, models/tech, sim/*/ (not sim/cli/main.c) -> libflopwatt.a
#   sim/cli/main.c           -> flopwatt
#   tests/unit/test_*.c      -> one Criterion binary each
#   tests/cli/*.sh           -> end-to-end scripts (get $FLOPWATT and $BUILD in the environment)
#   rtl/rtl.mk, tests/*.mk   -> included fragments that add their own targets

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= gcc
SAN     ?=
PKGS    := libcjson gsl

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Warnings beyond -Wall -Wextra: a goto past an initialised declaration (cleanup code then reads
# garbage), shadowed names, non-literal or mismatched format strings.
WARN    := -Wall -Wextra -Werror -Wjump-misses-init -Wshadow -Wformat=2
CFLAGS  := -std=c11 -O2 -g $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -Imodels -Isim $(PKG_CFLAGS) $(SAN) $(EXTRA_CFLAGS)
LDFLAGS := $(SAN)
LDLIBS  := $(PKG_LIBS) -lpthread -lm
TEST_LDLIBS := $(shell pkg-config --libs criterion mpfr 2>/dev/null) -lgmp

NUMERICS_SRC := $(sort $(wildcard models/numerics/*.c))
# The library (installed, for C programs) holds the models and the simulator; the command-line
# code and the sweep's test-only evaluator live in libflopwatt_cli.a, linked into the binary only.
CLI_SRC      := $(filter-out sim/cli/main.c,$(sort $(wildcard sim/cli/*.c))) sim/sweep/sw_eval_test.c
CORE_SRC     := $(sort $(wildcard models/common/*.c models/tech/*.c sim/*/*.c))
CORE_SRC     := $(filter-out sim/cli/main.c $(CLI_SRC),$(CORE_SRC))
TEST_SRC     := $(sort $(wildcard tests/unit/test_*.c))

NUMERICS_OBJ := $(NUMERICS_SRC:%.c=$(BUILD)/obj/%.o)
CORE_OBJ     := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ      := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
LIB_CLI      := $(BUILD)/lib/libflopwatt_cli.a
LIB_NUMERICS := $(BUILD)/lib/libflopwatt_numerics.a
LIB_CORE     := $(BUILD)/lib/libflopwatt.a
BIN          := $(BUILD)/flopwatt
TEST_BINS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Targets that `make test` builds before running (fragments append to it).
TEST_PREREQS := $(BIN) $(TEST_BINS)

# Keep object files of test binaries (make would delete them as intermediates).
.SECONDARY:

.PHONY: all run run-nodeps test test-nodeps test-asan test-valgrind test-long bench lint install deps clean format
all: $(BIN) $(LIB_NUMERICS)

deps:
	@tools/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The pe engine's inner loops and their MAC kernels are written for the vectoriser (-O3); its
# register moves of a few words are faster inline than as memmove calls.
$(BUILD)/obj/models/numerics/nx_vec.o $(BUILD)/obj/sim/engine/eng_pe.o: CFLAGS += -O3
$(BUILD)/obj/sim/engine/eng_pe.o: CFLAGS += $(if $(findstring clang,$(CC)),,-fno-tree-loop-distribute-patterns)

# -Wconversion (with -Wsign-conversion, which it implies in C) where a silent narrowing or sign
# change is a wrong answer rather than a style point: the bit-level numerics, and the readers of
# every input (JSON reader, technology data, config, workloads, sweep spec and log, fp vector
# lines), and the figures and number formatting for people (sw_plot, sw_gp, rpt_fmt,
# rpt_metric, cli_progress). The rest of the tree is not built with it so that work in flight
# elsewhere does not start failing -Werror. The clang fuzz build (tests/fuzz.mk) sets
# CONVERSION_WARN empty.
CONVERSION_WARN ?= -Wconversion
CONVERSION_SRC := $(NUMERICS_SRC) $(wildcard models/common/*.c models/tech/*.c sim/config/*.c \
                  sim/workload/*.c) sim/sweep/sw_spec.c sim/sweep/sw_log.c sim/cli/cmd_fp.c \
                  sim/cli/cli_opt.c sim/cli/cli_find.c sim/sweep/sw_plot.c sim/sweep/sw_gp.c \
                  sim/report/rpt_fmt.c sim/report/rpt_metric.c sim/cli/cli_progress.c
$(CONVERSION_SRC:%.c=$(BUILD)/obj/%.o): CFLAGS += $(CONVERSION_WARN)

$(LIB_NUMERICS): $(NUMERICS_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_CORE): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_CLI): $(CLI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/obj/sim/cli/main.o $(LIB_CLI) $(LIB_CORE) $(LIB_NUMERICS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_CORE) $(LIB_NUMERICS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LDLIBS) $(LDLIBS)

# The version (common/fw_version.h): VERSION, plus the commit from git when built in a checkout.
# version.c is rewritten only when the string changes, so an unchanged tree relinks nothing.
VERSION_STR := $(shell v=$$(cat VERSION 2>/dev/null || echo unknown); \
    g=$$(git describe --always --dirty --abbrev=7 2>/dev/null) && v="$$v+g$$g"; echo "$$v")
VERSION_C   := $(BUILD)/gen/version.c
VERSION_OBJ := $(BUILD)/obj/gen/version.o
$(shell mkdir -p $(BUILD)/gen; \
    printf '#include "common/fw_version.h"\nconst char *fw_version(void) { return "%s"; }\n' \
    '$(VERSION_STR)' >$(VERSION_C).new; \
    cmp -s $(VERSION_C).new $(VERSION_C) || mv $(VERSION_C).new $(VERSION_C); rm -f $(VERSION_C).new)

$(VERSION_OBJ): $(VERSION_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB_CORE): $(VERSION_OBJ)

-include $(sort $(wildcard rtl/*.mk tests/*.mk))

# The sanitizer run (test-asan) skips the RTL: its harnesses link the C model uninstrumented.
ifeq ($(FLOPWATT_SKIP_RTL),1)
TEST_PREREQS := $(filter-out rtl,$(TEST_PREREQS))
endif

# run (like test) installs missing packages first, then builds in a fresh make: the package
# flags above are read when the Makefile is parsed, before deps has installed pkg-config files.
run: deps
	$(MAKE) --no-print-directory run-nodeps

run-nodeps: $(BIN)
	./tools/run-default.sh $(BIN)

test: deps
	$(MAKE) --no-print-directory test-nodeps

test-nodeps: $(TEST_PREREQS)
	BUILD=$(BUILD) FLOPWATT=$(BIN) ./tools/run-tests.sh $(BUILD)

test-long: deps
	FLOPWATT_LONG=1 $(MAKE) --no-print-directory test-nodeps

# RTL co-simulation is not rebuilt with sanitizers: the C model it checks is the same code.
test-asan: deps
	LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp FLOPWATT_SKIP_RTL=1 $(MAKE) --no-print-directory BUILD=build/asan \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test-nodeps

# The CLI tests with every flopwatt process under valgrind memcheck (slow; not in `make test`).
test-valgrind: deps
	$(MAKE) --no-print-directory $(BIN)
	./tools/test-valgrind.sh $(BUILD)

bench: deps $(BIN)
	./tools/bench.sh $(BUILD)

lint: $(BIN)
	./tools/check-layering.sh
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Imodels -Isim models sim

format:
	clang-format -i $(NUMERICS_SRC) $(CORE_SRC) sim/cli/main.c $(TEST_SRC) \
	    $(wildcard models/*/*.h sim/*/*.h)

# install: the binary; share/flopwatt (configs, the network zoo, example sweeps, the chip
# database), where `flopwatt run tpu_v1_like resnet50` finds them (sim/cli/cli_find.c); a man
# page (help2man); bash completion; the public headers, the static libraries and flopwatt.pc for
# C programs (`cc prog.c $$(pkg-config --cflags --libs --static flopwatt)`).
install: $(BIN) $(LIB_CORE) $(LIB_NUMERICS) $(BUILD)/flopwatt.1 $(BUILD)/flopwatt.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/flopwatt \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/include/flopwatt
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/flopwatt
	cp -r configs $(DESTDIR)$(PREFIX)/share/flopwatt/
	install -m 644 models/tech/data/*.json $(DESTDIR)$(PREFIX)/share/flopwatt/
	install -m 644 $(BUILD)/flopwatt.1 $(DESTDIR)$(PREFIX)/share/man/man1/flopwatt.1
	install -m 644 tools/flopwatt.bash-completion \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/flopwatt
	install -m 644 $(LIB_CORE) $(LIB_NUMERICS) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(BUILD)/flopwatt.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/flopwatt.pc
	for h in $(filter-out sim/cli/%,$(wildcard models/*/*.h sim/*/*.h)); do \
	    install -D -m 644 $$h $(DESTDIR)$(PREFIX)/include/flopwatt/$${h#*/}; done

$(BUILD)/flopwatt.1: $(BIN)
	help2man --no-info --name="DNN accelerator simulator: cycles, energy, design sweeps" \
	    --version-string="$$($(BIN) --version | cut -d' ' -f2)" $(BIN) >$@

$(BUILD)/flopwatt.pc: Makefile VERSION
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include/flopwatt' \
	    'libdir=$${prefix}/lib' '' 'Name: flopwatt' \
	    'Description: DNN accelerator simulator library (models, engines, energy, sweeps)' \
	    'Version: $(VERSION_STR)' 'Requires.private: $(PKGS) libprotobuf-c' 'Cflags: -I$${includedir}' \
	    'Libs: -L$${libdir} -lflopwatt -lflopwatt_numerics' 'Libs.private: -lpthread -lm' >$@

clean:
	rm -rf build

-include $(NUMERICS_OBJ:.o=.d) $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/obj/sim/cli/main.d \
         $(TEST_SRC:tests/unit/%.c=$(BUILD)/obj/tests/unit/%.d)
