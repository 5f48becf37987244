# rtl/rtl.mk: RTL targets, included by the top Makefile.
#   make rtl          verilated PE harness build/rtl/pe_fp (= build/rtl/pe_int), vector generator,
#                     array co-simulation build/rtl/array, SystemC testbench build/rtl/sc_array
#   make rtl-lint     verilator --lint-only -Wall on every PE variant and the harness (in `make lint`)
#   make rtl-formats  regenerates rtl/fw_formats.vh from the C model's format table
#   make gates        Yosys gate counts per PE variant -> build/gates/table.md (not in `make test`)
#   make gates-energy toggle-based relative energy per MAC of each variant's netlist
#                     -> build/gates/energy.md (after `make gates`; not in `make test`, ~min)
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

.PHONY: rtl rtl-lint rtl-formats gates gates-energy
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

# The array co-simulation model (weight-stationary, output-stationary and tree arrays per
# precision) and its driver; links the C model (libflopwatt_numerics.a) as the reference.
# Verilator emits the code of each of its MAC instances separately (17 arrays of 12; the 10 ws/os
# arrays alone were 46 MB of C++ fully inlined, ~6.5 min to compile); --inline-mult 1 and -O0
# bring a clean build to ~1.7 min (measured before the tree arrays; a rebuild after an RTL change
# took ~1.2 min with them), and the runs are short (~8 s).
# (The binary is not called "array" inside the object directory: <array> would include it.)
RTL_ARRAY_TB := rtl/tb/fw_array_harness.v rtl/tb/array_main.cpp
rtl: $(RTL_DIR)/array
$(RTL_DIR)/array: $(RTL_SRC) $(RTL_INC) $(RTL_ARRAY_TB) rtl/rtl.mk $(LIB_NUMERICS)
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(RTL_VFLAGS) --top-module fw_array_harness \
	    --inline-mult 1 -Mdir $(RTL_DIR)/obj_array -o fw_array_sim \
	    -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O0 OPT_SLOW=-O0" \
	    -CFLAGS -I$(abspath models) -LDFLAGS $(abspath $(LIB_NUMERICS)) \
	    $(abspath $(RTL_ARRAY_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate_array.log 2>&1 \
	    || { cat $(RTL_DIR)/verilate_array.log; exit 1; }
	cp $(RTL_DIR)/obj_array/fw_array_sim $@

# The bench model (make bench, tools/bench/rtl.sh; not in `make rtl`): the same harness and driver
# with only the int8->int32 ws/os pair (FW_HARNESS_BENCH), compiled at -O2 and fully inlined, so
# one 4x3 array is timed against the pe engine on the same layer. -Wno-UNUSED: the lanes and
# inputs of the absent arrays are unused there.
$(RTL_DIR)/array_bench: $(RTL_SRC) $(RTL_INC) $(RTL_ARRAY_TB) rtl/rtl.mk $(LIB_NUMERICS)
	@mkdir -p $(RTL_DIR)
	$(VERILATOR) --cc --exe --build -j 2 $(RTL_VFLAGS) -Wno-UNUSED +define+FW_HARNESS_BENCH \
	    --top-module fw_array_harness -Mdir $(RTL_DIR)/obj_array_bench -o fw_array_bench \
	    -MAKEFLAGS "OBJCACHE=$(RTL_OBJCACHE) OPT_FAST=-O2 OPT_SLOW=-O2" \
	    -CFLAGS -I$(abspath models) -LDFLAGS $(abspath $(LIB_NUMERICS)) \
	    $(abspath $(RTL_ARRAY_TB)) $(RTL_SRC) >$(RTL_DIR)/verilate_array_bench.log 2>&1 \
	    || { cat $(RTL_DIR)/verilate_array_bench.log; exit 1; }
	cp $(RTL_DIR)/obj_array_bench/fw_array_bench $@

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
