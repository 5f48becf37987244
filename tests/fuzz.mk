# tests/fuzz.mk: libFuzzer harnesses (tests/fuzz/fuzz_*.c), one per parser. Included by the
# Makefile (tests/*.mk).
#   make fuzz FUZZ_SECONDS=N   builds build/fuzz/ with clang (-fsanitize=fuzzer,address,undefined)
#                              and runs each harness N seconds (default 60), one after another,
#                              on a corpus seeded from the shipped files (tools/fuzz.sh)
#   make fuzz-build            only the build
#   make fuzz-build-ubsan      the throughput build for long campaigns, build/fuzz-ubsan: UBSan
#                              without ASan (about twice the executions per CPU second); replay
#                              its corpora under ASan afterwards (tests/fuzz/README.md)
# The library is rebuilt with clang under build/fuzz: gcc-only warnings are left out there.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: fuzz fuzz-build fuzz-build-ubsan fuzz-bins
fuzz: deps
	$(MAKE) --no-print-directory fuzz-build
	nice -n 19 tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-build:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CONVERSION_WARN= \
	    WARN="-Wall -Wextra -Werror -Wno-bitwise-instead-of-logical" \
	    SAN="$(FUZZ_SAN)" fuzz-bins

fuzz-build-ubsan:
	$(MAKE) --no-print-directory fuzz-build FUZZ_BUILD=build/fuzz-ubsan \
	    FUZZ_SAN="-fsanitize=fuzzer-no-link,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

fuzz-bins: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LIB_CLI) $(LIB_CORE) $(LIB_NUMERICS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_CLI) $(LIB_CORE) $(LIB_NUMERICS) $(LDLIBS)
