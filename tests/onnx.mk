# tests/onnx.mk (ONNX import, sim/workload/wl_onnx.c): generates the protobuf-c reader of the
# ONNX schema at build time from the onnx.proto that Debian's python3-onnx ships (the schema is
# never copied into the repository, the generated C never committed), into build/gen/onnx, and
# adds it to libflopwatt.a. Included by the Makefile (tests/*.mk); libprotobuf-c is linked.
ONNX_PROTO   ?= /usr/lib/python3/dist-packages/onnx/onnx.proto
ONNX_GEN_DIR := $(BUILD)/gen/onnx
ONNX_PB_C    := $(ONNX_GEN_DIR)/onnx.pb-c.c
ONNX_PB_H    := $(ONNX_GEN_DIR)/onnx.pb-c.h
ONNX_PB_OBJ  := $(BUILD)/obj/gen/onnx/onnx.pb-c.o

$(ONNX_PB_C) $(ONNX_PB_H) &: $(ONNX_PROTO)
	@mkdir -p $(ONNX_GEN_DIR)
	protoc-c -I$(dir $(ONNX_PROTO)) --c_out=$(ONNX_GEN_DIR) $(ONNX_PROTO)

# Generated code: the project's warnings are not its business (-w), sanitizers still apply.
$(ONNX_PB_OBJ): $(ONNX_PB_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -w -c $< -o $@

$(BUILD)/obj/sim/workload/wl_onnx.o: $(ONNX_PB_H)
$(BUILD)/obj/sim/workload/wl_onnx.o: CFLAGS += -I$(ONNX_GEN_DIR)

$(LIB_CORE): $(ONNX_PB_OBJ)
LDLIBS += -lprotobuf-c

# The generated test models (tools/gen_onnx.py: zoo, operator cases, malformed files), made
# before the tests run; tests/unit/test_wl_onnx.c and tests/cli/onnx.sh read them.
ONNX_PYTHON  ?= /usr/bin/python3
ONNX_MODELS  := $(BUILD)/onnx/.generated

$(ONNX_MODELS): tools/gen_onnx.py
	@mkdir -p $(dir $@)
	$(ONNX_PYTHON) tools/gen_onnx.py $(BUILD)/onnx
	@touch $@

TEST_PREREQS += $(ONNX_MODELS)
