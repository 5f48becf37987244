# rtl/rtl.mk: RTL targets, included by the top Makefile.
#   make rtl          verilated PE harness build/rtl/pe_fp (= build/rtl/pe_int), vector generator,
#                     array co-simulation build/rtl/array_<precision>, SystemC testbench
#                     build/rtl/sc_array
#   make rtl-lint     verilator --lint-only -Wall on every PE variant and the harness (in `make lint`)
#   make rtl-formats  regenerates rtl/fw_formats.vh from the C model's format table
#   make gates        Yosys gate counts per PE variant -> build/gates/table.md (not in `make test`)
#   make gates-energy toggle-based relative energy per MAC of each variant's netlist
#                     -> build/gates/energy.md (after `make gates`; not in `make test`, ~min)
#   make gates-gating energy per MAC of ungated and zero-gated PEs at several zero fractions,
#                     against the energy model's gating -> build/gates/gating.md (not in `make test`)
# Verilated objects live in build/rtl/obj_pe/ and are rebuilt only when an RTL source or the
# driver changes; ccache is used when installed (OBJCACHE).

RTL_DIR      := $(BUILD)/rtl
RTL_SRC      := $(sort $(wildcard rtl/*.v))
RTL_INC      := $(sort $(wildcard rtl/*.vh))
RTL_TB       := rtl/tb/fw_pe_harness.v rtl/tb/pe_main.cpp
RTL_OBJCACHE := $(shell command -v ccache 2>/dev/null)
VERILATOR    ?= verilator
# -Wno-fatal is not used: the build fails on any warning, like the C code.
RTL_VFLAGS   := -Wall -O3 -Irtl -Irtl/tb

.PHONY: rtl rtl-lint rtl-formats gates gates-energy gates-gating
rtl: $(RTL_DIR)/pe_fp $(RTL_DIR)/pe_int $(BUILD)/tools/vecgen $(BUILD)/tools/gen_formats \
     $(BUILD)/tools/macstream
# `make test` builds the RTL (the Makefile drops it again when FLOPWATT_SKIP_RTL=1, test-asan).
TEST_PREREQS += rtl

$(RTL_DIR)/pe_fp: $(RTL_SRC) $(RTL_INC) $(RTL_TB) rtl/rtl.mk
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(RTL_VFLAGS) --top-module fw_pe_harness \
	    -Mdir $(RTL_DIR)/obj_pe -o pe_fp -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O2" \
	    $(abspath $(RTL_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate.log 2>&1 \
	    || { cat $(RTL_DIR)/verilate.log; exit 1; }
	cp $(RTL_DIR)/obj_pe/pe_fp $@

$(RTL_DIR)/pe_int: $(RTL_DIR)/pe_fp
	cp $< $@

$(BUILD)/tools/vecgen $(BUILD)/tools/gen_formats $(BUILD)/tools/macstream: $(BUILD)/tools/%: tools/%.c $(LIB_NUMERICS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_NUMERICS)

rtl-formats: $(BUILD)/tools/gen_formats
	$(BUILD)/tools/gen_formats > rtl/fw_formats.vh

rtl-lint:
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_fp_mac_pe $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_fp_mac_pe -GFUSED=0 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_fp_mac_pe -GPIPE_DEPTH=0 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_int_mac_pe $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_int_mac_pe -GIN_W=16 -GACC_W=48 \
	    $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_int_mac_pe -GZERO_GATE=1 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_fp_mac_pe -GZERO_GATE=1 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_fp_mac_pe -GZERO_GATE=1 -GFUSED=0 \
	    -GOP_FIXED=0 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_array_ws $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_array_os -GIS_INT=1 -GIN_W=8 -GACC_W=32 \
	    $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_array_tree $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl --top-module fw_array_tree -GIS_INT=1 -GIN_W=8 \
	    -GACC_W=32 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl -Irtl/tb --top-module fw_array_harness \
	    rtl/tb/fw_array_harness.v $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl -Irtl/tb --top-module fw_pe_harness \
	    rtl/tb/fw_pe_harness.v $(RTL_SRC)
lint: rtl-lint

gates: $(RTL_SRC) $(RTL_INC) tools/gates.sh
	BUILD=$(BUILD) tools/gates.sh

gates-energy: gates $(BUILD)/tools/macstream $(BIN)
	BUILD=$(BUILD) FLOPWATT=$(BIN) tools/gates_energy.sh

gates-gating: $(BUILD)/tools/macstream $(BIN)
	BUILD=$(BUILD) FLOPWATT=$(BIN) tools/gates_gating.sh

# The array co-simulation models (weight-stationary, output-stationary and tree arrays) and their
# driver, one model per precision (the harness's ONLY_PREC, the driver's FW_ONLY_PREC), so that a
# cycle evaluates only the 3-4 arrays that precision can select: build/rtl/array_int8 (int8->int32),
# array_fp16, array_bf16, array_fp32, array_fp16_fp32. Each links the C model
# (libflopwatt_numerics.a) as the reference. --inline-mult 1 keeps one class per PE variant
# (instances share its code) instead of a copy per instance, which with -O2 keeps the build short
# (one 17-array model fully inlined was 46 MB of C++ and ~6.5 min to compile; at -O0 with
# --inline-mult 1, 1.7 min, and every cycle evaluated all 17 arrays).
# -Wno-UNUSED: a model leaves the lane bits and inputs its precision does not use unread (the
# 17-array harness is linted without it, make rtl-lint).
# (The binaries are not called "array" inside the object directory: <array> would include it.)
RTL_ARRAY_TB := rtl/tb/fw_array_harness.v rtl/tb/array_main.cpp
RTL_ARRAY_PRECS := int8 fp16 bf16 fp32 fp16_fp32
RTL_ARRAYS := $(RTL_ARRAY_PRECS:%=$(RTL_DIR)/array_%)
rtl: $(RTL_ARRAYS)
$(RTL_DIR)/array_int8: RTL_PREC_ID := 0
$(RTL_DIR)/array_fp16: RTL_PREC_ID := 1
$(RTL_DIR)/array_bf16: RTL_PREC_ID := 2
$(RTL_DIR)/array_fp32: RTL_PREC_ID := 3
$(RTL_DIR)/array_fp16_fp32: RTL_PREC_ID := 4
$(RTL_ARRAYS): $(RTL_SRC) $(RTL_INC) $(RTL_ARRAY_TB) rtl/rtl.mk $(LIB_NUMERICS)
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(RTL_VFLAGS) -Wno-UNUSED --top-module fw_array_harness \
	    -GONLY_PREC=$(RTL_PREC_ID) --inline-mult 1 -Mdir $(RTL_DIR)/obj_$(notdir $@) \
	    -o fw_$(notdir $@) \
	    -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O2 OPT_SLOW=-O2 OPT_GLOBAL=-O2" \
	    -CFLAGS "-I$(abspath models) -DFW_ONLY_PREC=$(RTL_PREC_ID)" \
	    -LDFLAGS $(abspath $(LIB_NUMERICS)) \
	    $(abspath $(RTL_ARRAY_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate_$(notdir $@).log 2>&1 \
	    || { cat $(RTL_DIR)/verilate_$(notdir $@).log; exit 1; }
	cp $(RTL_DIR)/obj_$(notdir $@)/fw_$(notdir $@) $@

# The bench models (make bench, tools/bench/rtl.sh; not in `make rtl`): the same harness and
# driver with one int8->int32 weight-stationary array alone (FW_HARNESS_BENCH), verilated with -O3
# and compiled at -O2 (model, driver and Verilator's runtime: OPT_FAST, OPT_SLOW, OPT_GLOBAL),
# fully inlined: array_bench 4 x 3 (the harness's size), array_bench16 16 x 16 (the pe engine's
# benchmark array), each timed against the pe engine on the same layer. -Wno-UNUSED: the lanes
# and inputs of the absent arrays are unused there.
RTL_BENCH := $(RTL_DIR)/array_bench $(RTL_DIR)/array_bench16
$(RTL_DIR)/array_bench: RTL_BENCH_DIM := 4 3
$(RTL_DIR)/array_bench16: RTL_BENCH_DIM := 16 16
$(RTL_BENCH): $(RTL_SRC) $(RTL_INC) $(RTL_ARRAY_TB) rtl/rtl.mk $(LIB_NUMERICS)
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(RTL_VFLAGS) -Wno-UNUSED +define+FW_HARNESS_BENCH \
	    -GROWS=$(word 1,$(RTL_BENCH_DIM)) -GCOLS=$(word 2,$(RTL_BENCH_DIM)) \
	    --top-module fw_array_harness -Mdir $(RTL_DIR)/obj_$(notdir $@) -o fw_$(notdir $@) \
	    -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O2 OPT_SLOW=-O2 OPT_GLOBAL=-O2" \
	    -CFLAGS "-I$(abspath models) -DFW_ROWS=$(word 1,$(RTL_BENCH_DIM)) \
	             -DFW_COLS=$(word 2,$(RTL_BENCH_DIM))" \
	    -LDFLAGS $(abspath $(LIB_NUMERICS)) \
	    $(abspath $(RTL_ARRAY_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate_$(notdir $@).log 2>&1 \
	    || { cat $(RTL_DIR)/verilate_$(notdir $@).log; exit 1; }
	cp $(RTL_DIR)/obj_$(notdir $@)/fw_$(notdir $@) $@

# The SystemC testbench: fw_array_ws and fw_array_os (4x3, fp16 -> fp32, in rtl/tb/fw_sc_top.v)
# verilated with --sc, with SystemC models of the SRAM buffers and the DRAM port
# (rtl/tb/sc_main.cpp; ws, os, is); SystemC from pkg-config.
RTL_SC_TB := rtl/tb/fw_sc_top.v rtl/tb/sc_main.cpp
RTL_SC_PARAMS := -GROWS=4 -GCOLS=3 -GIN_W=16 -GACC_W=32 -GACC_EXP_BITS=8 -GACC_MAN_BITS=23 \
                 -GACC_BIAS=127 "-GACC_QNAN=32'h7FC00000"
rtl: $(RTL_DIR)/sc_array
$(RTL_DIR)/sc_array: $(RTL_SRC) $(RTL_INC) $(RTL_SC_TB) rtl/rtl.mk $(LIB_NUMERICS)
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --sc --exe --build -j 2 $(RTL_VFLAGS) --top-module fw_sc_top \
	    $(RTL_SC_PARAMS) --inline-mult 1 -Mdir $(RTL_DIR)/obj_sc -o sc_array_sim \
	    -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O0 OPT_SLOW=-O0" \
	    -CFLAGS "-I$(abspath models) $(shell pkg-config --cflags systemc 2>/dev/null)" \
	    -LDFLAGS "$(abspath $(LIB_NUMERICS)) $(shell pkg-config --libs systemc 2>/dev/null)" \
	    $(abspath $(RTL_SC_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate_sc.log 2>&1 \
	    || { cat $(RTL_DIR)/verilate_sc.log; exit 1; }
	cp $(RTL_DIR)/obj_sc/sc_array_sim $@
