# tests/tech.mk (energy/technology model): embeds models/tech/data/*.json into the library as
# build/gen/tech_data.c (tech_embedded() in tech/tech.h), so the installed binary carries its
# technology data. Included by the Makefile (tests/*.mk); adds the object to libflopwatt.a.
TECH_DATA_JSON := $(sort $(wildcard models/tech/data/*.json))
TECH_DATA_C    := $(BUILD)/gen/tech_data.c
TECH_DATA_OBJ  := $(BUILD)/obj/gen/tech_data.o

$(TECH_DATA_C): $(TECH_DATA_JSON) models/tech/embed.sh
	@mkdir -p $(dir $@)
	models/tech/embed.sh $@ tech_embedded $(TECH_DATA_JSON)

$(TECH_DATA_OBJ): $(TECH_DATA_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB_CORE): $(TECH_DATA_OBJ)

# The inputs of `flopwatt validate` (tech_embedded_inputs()): used when the command does not run
# from the repository root (e.g. after make install).
TECH_INPUTS      := $(sort $(wildcard configs/validate/*.json configs/chips/*.json \
                      configs/chips/arch/*.json configs/chips/workloads/*.json)) \
                    $(addprefix configs/workloads/,alexnet.json vgg16.json resnet50.json)
# (the zoo workloads the chip files name; tests/cli/energy.sh runs validate outside the
# repository, so a chip whose workload is missing here fails there)
TECH_INPUTS_C    := $(BUILD)/gen/tech_inputs.c
TECH_INPUTS_OBJ  := $(BUILD)/obj/gen/tech_inputs.o

$(TECH_INPUTS_C): $(TECH_INPUTS) models/tech/embed.sh
	@mkdir -p $(dir $@)
	models/tech/embed.sh $@ tech_embedded_inputs $(TECH_INPUTS)

$(TECH_INPUTS_OBJ): $(TECH_INPUTS_C)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB_CORE): $(TECH_INPUTS_OBJ)
