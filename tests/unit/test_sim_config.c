/* Tests of the accelerator config reader (sim/config/cfg): a full config, the documented
 * defaults (configs/README.md), --set overrides, precision combinations, the bandwidth unit
 * conversion worked by hand, and one-line errors naming the file and JSON path. */
#include "config/cfg.h"

#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

static const char *const base =
    "{\"clock_mhz\": 700, \"array\": {\"rows\": 256, \"cols\": 128, \"dataflow\": \"os\"},"
    " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\"},"
    " \"sram\": {\"ifmap\": {\"size_bytes\": 1024}, \"filter\": {\"size_bytes\": 2048},"
    "            \"ofmap\": {\"size_bytes\": 4096}},"
    " \"dram\": {\"type\": \"ddr3\", \"bandwidth_gbps\": 34},"
    " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}";

static cfg_accel parse_ok(const char *text, const char *const *sets, size_t n)
{
    cfg_accel c;
    fw_err err;
    fw_err_clear(&err);
    cr_assert_eq(cfg_parse("c.json", text, sets, n, &c, &err), 0, "%s", err.msg);
    return c;
}

static void parse_fails(const char *text, const char *const *sets, size_t n, const char *msg)
{
    cfg_accel c;
    fw_err err;
    fw_err_clear(&err);
    cr_assert_eq(cfg_parse("c.json", text, sets, n, &c, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, msg);
}

Test(sim_config, fields_and_defaults)
{
    cfg_accel c = parse_ok(base, NULL, 0);
    cr_assert_eq(c.rows, 256);
    cr_assert_eq(c.cols, 128);
    cr_assert_eq(c.dataflow, CFG_OS);
    cr_assert_eq(c.schedule, CFG_PIPELINED); /* default */
    cr_assert_eq(c.mac_pipeline_cycles, 1);
    cr_assert_eq(c.mac.input, NX_INT8);
    cr_assert_eq(c.mac.accumulator, NX_INT32);
    cr_assert_eq(c.mac.fused, true);
    cr_assert_eq(c.mac.mode.round, NX_RNE);
    cr_assert_eq(c.mac.mode.ftz, false);
    cr_assert_eq(c.mac.overflow, NX_WRAP);
    cr_assert_str_eq(c.name, "accelerator");
    for (int op = 0; op < CFG_OPERANDS; op++) {
        cr_assert_eq(c.sram[op].word_bits, 64);
        cr_assert_eq(c.sram[op].double_buffered, true);
    }
    cr_assert_eq(c.sram[CFG_FILTER].size_bytes, 2048);
    cr_assert_eq(c.dram.type, CFG_DDR3);
    cr_assert_eq(c.dram.latency_cycles, 100);
    /* 34 GB/s at 700 MHz = 34e9 / 700e6 = 48.5714... bytes/cycle -> 48571 millibytes */
    cr_assert_eq(c.dram.bandwidth_millibytes_per_cycle, 48571);
    cr_assert_eq(c.tech.node_nm, 28);
    cr_assert_eq(c.tech.vdd_v, 0.9);
    cr_assert_eq(c.tech.process, CFG_PROCESS_HP);           /* default */
    cr_assert_eq(c.tech.arith_source, CFG_ARITH_DATAPATH); /* default */
    const char *tech[] = {"tech.process=lp", "tech.arith_source=as_built", "dram.type=none"};
    cfg_accel t = parse_ok(base, tech, 3);
    cr_assert_eq(t.tech.process, CFG_PROCESS_LP);
    cr_assert_eq(t.tech.arith_source, CFG_ARITH_AS_BUILT);
    cr_assert_eq(t.dram.type, CFG_DRAM_NONE);
    cr_assert_eq(cfg_input_bytes(&c), 1);
    cr_assert_eq(cfg_acc_bytes(&c), 4);
}

Test(sim_config, set_overrides_before_validation)
{
    const char *sets[] = {"array.dataflow=ws",        "array.schedule=serial",
                          "precision.input=bf16",     "precision.accumulator=fp32",
                          "precision.fused=false",    "precision.rounding=minMag",
                          "precision.subnormals=ftz", "sram.ofmap.double_buffered=false",
                          "dram.bandwidth_gbps=0",    "name=\"x\""};
    cfg_accel c = parse_ok(base, sets, sizeof sets / sizeof sets[0]);
    cr_assert_eq(c.dataflow, CFG_WS);
    cr_assert_eq(c.schedule, CFG_SERIAL);
    cr_assert_eq(c.mac.input, NX_BF16);
    cr_assert_eq(c.mac.accumulator, NX_FP32);
    cr_assert_eq(c.mac.fused, false);
    cr_assert_eq(c.mac.mode.round, NX_RMINMAG);
    cr_assert_eq(c.mac.mode.ftz, true);
    cr_assert_eq(c.sram[CFG_OFMAP].double_buffered, false);
    cr_assert_eq(c.dram.bandwidth_millibytes_per_cycle, 0); /* unlimited */
    cr_assert_str_eq(c.name, "x");
    const char *bad[] = {"array.rows=0"};
    parse_fails(base, bad, 1, "--set array.rows=0: array.rows: 0 is out of range [1, 4096]");
    const char *unknown[] = {"array.depth=3"};
    parse_fails(base, unknown, 1, "--set array.depth=3: array.depth: unknown key");
    const char *typo[] = {"array.rows=8", "array.colz=8"};
    parse_fails(base, typo, 2, "--set array.colz=8: array.colz: unknown key (did you mean 'cols'?)");
    const char *noeq[] = {"array.rows"};
    parse_fails(base, noeq, 1, "--set array.rows: expected PATH=VALUE");
}

Test(sim_config, precision_combinations)
{
    /* errors at a path a --set wrote name that --set (the latest one for the path) */
    const char *a[] = {"precision.accumulator=fp32"};
    parse_fails(base, a, 1,
                "--set precision.accumulator=fp32: precision.accumulator: integer input 'int8' needs an int32 or int48 "
                "accumulator, got 'fp32'");
    const char *b[] = {"precision.input=fp32", "precision.accumulator=fp16"};
    parse_fails(base, b, 2,
                "--set precision.accumulator=fp16: precision.accumulator: 'fp16' cannot accumulate 'fp32' (needs a float "
                "format at least as wide in exponent and fraction)");
    const char *c[] = {"precision.input=int32"};
    parse_fails(base, c, 1,
                "--set precision.input=int32: precision.input: 'int32' is an accumulator format, not an input format");
    const char *d[] = {"precision.input=fp9"};
    parse_fails(base, d, 1, "--set precision.input=fp9: precision.input: unknown format 'fp9'");
    const char *ok[] = {"precision.input=fp8e4m3", "precision.accumulator=fp32"};
    cfg_accel cc = parse_ok(base, ok, 2);
    cr_assert_eq(cfg_input_bytes(&cc), 1);
    cr_assert_eq(cc.output, NX_FP32); /* default: the accumulator */
    const char *o8[] = {"precision.output=int8"};
    cr_assert_eq(parse_ok(base, o8, 1).output, NX_INT8);
    const char *of[] = {"precision.output=fp16"};
    parse_fails(base, of, 1,
                "--set precision.output=fp16: precision.output: 'fp16' is not an output format of a 'int32' "
                "accumulator (same kind, no wider)");
    const char *wide[] = {"precision.input=int16", "precision.accumulator=int48",
                          "precision.int_overflow=saturate"};
    cc = parse_ok(base, wide, 3);
    cr_assert_eq(cfg_acc_bytes(&cc), 6);
    cr_assert_eq(cc.mac.overflow, NX_SATURATE);
}

Test(sim_config, errors_name_the_path)
{
    parse_fails("{\"clock_mhz\": 700}", NULL, 0, "c.json: array: missing required key");
    const char *df[] = {"array.dataflow=rs"};
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("c.json", base, df, 1, &c, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "--set array.dataflow=rs: array.dataflow") == err.msg, "%s", err.msg);
    const char *pipe[] = {"array.mac_pipeline_cycles=2"};
    parse_fails(base, pipe, 1,
                "--set array.mac_pipeline_cycles=2: array.mac_pipeline_cycles: output stationary "
                "needs a single-cycle "
                "accumulate loop (1), got 2");
    const char *chunks[] = {"array.max_stream=2048"};
    cr_assert_eq(parse_ok(base, chunks, 1).max_stream, 2048); /* os ignores it (map.h) */
    const char *pipe_ws[] = {"array.mac_pipeline_cycles=3", "array.dataflow=ws"};
    cfg_accel w = parse_ok(base, pipe_ws, 2);
    cr_assert_eq(w.mac_pipeline_cycles, 3);
    const char *proc[] = {"tech.process=ulp"};
    parse_fails(base, proc, 1, "--set tech.process=ulp: tech.process: 'ulp' is not one of: hp, lp");
    const char *src[] = {"tech.arith_source=measured"};
    parse_fails(base, src, 1,
                "--set tech.arith_source=measured: tech.arith_source: 'measured' is not one of: datapath, as_built");
    const char *slow[] = {"dram.bandwidth_gbps=0.0000001"};
    cr_assert_eq(cfg_parse("c.json", base, slow, 1, &c, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "--set dram.bandwidth_gbps=0.0000001: dram.bandwidth_gbps:") == err.msg,
              "%s", err.msg);
}

Test(sim_config, shipped_configs_load)
{
    const char *files[] = {"configs/test8x8.json", "configs/edge32x32.json",
                           "configs/tpu_v1_like.json", "configs/rs_like.json"};
    for (size_t i = 0; i < 4; i++) {
        cfg_accel c;
        fw_err err;
        cr_assert_eq(cfg_load(files[i], NULL, 0, &c, &err), 0, "%s", err.msg);
    }
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_load("configs/tpu_v1_like.json", NULL, 0, &c, &err), 0);
    cr_assert_eq(c.rows, 256);
    cr_assert_eq(c.clock_mhz, 700);
    cr_assert_eq(c.sram[CFG_IFMAP].size_bytes, 24u << 20);
    /* the unified buffer (the outermost level of ifmap and ofmap, shared) holds activations in
     * and out (configs/README.md); the accumulators and the weight FIFO are inner levels */
    int ub = cfg_outer_level(&c, CFG_IFMAP, NULL);
    cr_assert_eq(ub, 2);
    cr_assert_eq(cfg_outer_level(&c, CFG_OFMAP, NULL), ub);
    cr_assert(c.levels[ub].shared);
    cr_assert_str_eq(c.levels[ub].name, "unified_buffer");
    cr_assert_eq(c.levels[1].part[CFG_OFMAP].size_bytes, 4u << 20);
    cr_assert_eq(c.levels[0].part[CFG_FILTER].size_bytes, 256u << 10);
}

/* The `sram` shorthand expands to one level of three partitions with its own values. */
Test(sim_config, sram_shorthand_expands_to_one_level)
{
    const char *sets[] = {"sram.ofmap.double_buffered=false", "sram.ifmap.word_bits=256"};
    cfg_accel c = parse_ok(base, sets, 2);
    cr_assert_eq(c.hierarchy_given, false);
    cr_assert_eq(c.level_count, 1);
    const cfg_level *lv = &c.levels[0];
    cr_assert_str_eq(lv->name, "sram");
    cr_assert_eq(lv->kind, CFG_SRAM_LEVEL);
    cr_assert_eq(lv->instances, CFG_SHARED);
    cr_assert_eq(lv->shared, false);
    cr_assert_eq(lv->size_bytes, 1024 + 2048 + 4096);
    const uint64_t size[3] = {1024, 2048, 4096};
    for (int op = 0; op < CFG_OPERANDS; op++) {
        cr_assert_eq(lv->part[op].held, true);
        cr_assert_eq(lv->part[op].size_bytes, size[op]);
        cr_assert_eq(lv->part[op].banks, 1);
        cr_assert_eq(lv->part[op].read_ports, 1);
        cr_assert_eq(lv->part[op].write_ports, 1);
        cr_assert_eq(lv->part[op].word_bits, op == CFG_IFMAP ? 256u : 64u);
        cr_assert_eq(lv->part[op].double_buffered, op != CFG_OFMAP);
    }
    uint64_t cap;
    cr_assert_eq(cfg_outer_level(&c, CFG_IFMAP, &cap), 0);
    cr_assert_eq(cap, 512); /* half of 1024: double buffered */
    cr_assert_eq(cfg_outer_level(&c, CFG_OFMAP, &cap), 0);
    cr_assert_eq(cap, 4096);
}

static const char *const hier =
    "{\"clock_mhz\": 200, \"array\": {\"rows\": 12, \"cols\": 14, \"dataflow\": \"ws\"},"
    " \"precision\": {\"input\": \"int16\", \"accumulator\": \"int32\"},"
    " \"memory\": {\"levels\": ["
    "   {\"name\": \"spad\", \"kind\": \"regfile\", \"instances\": \"per_pe\", \"word_bits\": 16,"
    "    \"double_buffered\": false,"
    "    \"partitions\": {\"ifmap\": {\"size_bytes\": 24}, \"filter\": {\"size_bytes\": 448},"
    "                     \"ofmap\": {\"size_bytes\": 48, \"word_bits\": 32}}},"
    "   {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"ofmap\"],"
    "    \"size_bytes\": 110592, \"banks\": 27, \"word_bits\": 64, \"read_ports\": 2}]},"
    " \"dram\": {\"type\": \"lpddr4\", \"bandwidth_gbps\": 1.6},"
    " \"tech\": {\"node_nm\": 65, \"vdd_v\": 1.0}}";

Test(sim_config, hierarchy_levels)
{
    cfg_accel c = parse_ok(hier, NULL, 0);
    cr_assert_eq(c.hierarchy_given, true);
    cr_assert_eq(c.level_count, 2);
    const cfg_level *s = &c.levels[0], *g = &c.levels[1];
    cr_assert_str_eq(s->name, "spad");
    cr_assert_eq(s->kind, CFG_REGFILE);
    cr_assert_eq(s->instances, CFG_PER_PE);
    cr_assert_eq(cfg_level_instances(&c, s), 168);
    cr_assert_eq(s->shared, false);
    cr_assert_eq(s->size_bytes, 24 + 448 + 48);
    cr_assert_eq(s->part[CFG_FILTER].size_bytes, 448);
    cr_assert_eq(s->part[CFG_FILTER].word_bits, 16);
    cr_assert_eq(s->part[CFG_OFMAP].word_bits, 32); /* partition override */
    cr_assert_eq(s->part[CFG_OFMAP].double_buffered, false);
    cr_assert_eq(g->shared, true);
    cr_assert_eq(g->instances, CFG_SHARED);
    cr_assert_eq(g->part[CFG_IFMAP].held, true);
    cr_assert_eq(g->part[CFG_FILTER].held, false);
    cr_assert_eq(g->part[CFG_OFMAP].size_bytes, 110592);
    cr_assert_eq(g->part[CFG_OFMAP].banks, 27);
    cr_assert_eq(g->part[CFG_OFMAP].read_ports, 2);
    cr_assert_eq(g->part[CFG_OFMAP].write_ports, 1);
    cr_assert_eq(g->part[CFG_OFMAP].double_buffered, true);
    uint64_t cap;
    cr_assert_eq(cfg_outer_level(&c, CFG_IFMAP, &cap), 1);
    cr_assert_eq(cap, 110592 / 2);
    cr_assert_eq(cfg_outer_level(&c, CFG_FILTER, &cap), 0);
    cr_assert_eq(cap, 448 * 168);
    /* the per-operand view: the outermost level holding each operand */
    cr_assert_eq(c.sram[CFG_FILTER].size_bytes, 448 * 168);
    cr_assert_eq(c.sram[CFG_IFMAP].size_bytes, 110592);
}

Test(sim_config, hierarchy_errors)
{
    const char *both[] = {"sram={}"};
    parse_fails(hier, both, 1,
                "c.json: memory: give either \"sram\" (shorthand) or \"memory\", not both");
    const char *kind[] = {"memory.levels[0].kind=edram"};
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("c.json", hier, kind, 1, &c, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "--set memory.levels[0].kind=edram: memory.levels[0].kind") == err.msg,
              "%s", err.msg);
    const char *dup[] = {"memory.levels[1].name=spad"};
    parse_fails(hier, dup, 1,
                "--set memory.levels[1].name=spad: memory.levels[1].name: 'spad' names two levels");
    const char *op[] = {"memory.levels[1].holds=[\"ifmap\", \"psum\"]"};
    parse_fails(hier, op, 1,
                "--set memory.levels[1].holds=[\"ifmap\", \"psum\"]: memory.levels[1].holds: unknown operand 'psum' (expected ifmap, filter "
                "or ofmap)");
    const char *none[] = {"memory.levels[0].partitions={\"ifmap\": {\"size_bytes\": 4}}"};
    parse_fails(hier, none, 1,
                "c.json: memory.levels: no level holds 'filter' (the array reads every operand "
                "from a level)");
    const char *form[] = {"memory.levels[1].partitions={}"};
    parse_fails(hier, form, 1,
                "c.json: memory.levels[1]: give either \"holds\" with \"size_bytes\" (operands "
                "share the level) or \"partitions\" (a size per operand)");
    const char *ports[] = {"memory.levels[0].partitions.ifmap.read_ports=0"};
    parse_fails(hier, ports, 1,
                "--set memory.levels[0].partitions.ifmap.read_ports=0: "
                "memory.levels[0].partitions.ifmap.read_ports: 0 is out of range [1, "
                "1024]");
    const char *unk[] = {"memory.levels[1].latency=3"};
    parse_fails(hier, unk, 1, "--set memory.levels[1].latency=3: memory.levels[1].latency: unknown key");
    const char *missing_size[] = {"memory.levels[1].size_bytes=null"};
    cr_assert_eq(cfg_parse("c.json", hier, missing_size, 1, &c, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "--set memory.levels[1].size_bytes=null: memory.levels[1].size_bytes") ==
                  err.msg,
              "%s", err.msg);
}

Test(sim_config, hierarchy_objective_and_pins)
{
    cfg_accel c = parse_ok(hier, NULL, 0);
    cr_assert_eq(c.objective, CFG_OBJ_ENERGY); /* default */
    cr_assert_eq(c.pin_count, 0);
    const char *sets[] = {"memory.objective=edp",
                          "memory.mappings={\"conv1\": \"NGKCPQRS [N1 G1 K1 C1 P1 Q1 R1 S1] "
                          "NGKCPQRS [N1 G1 K1 C1 P1 Q1 R1 S1]\"}"};
    c = parse_ok(hier, sets, 2);
    cr_assert_eq(c.objective, CFG_OBJ_EDP);
    cr_assert_eq(c.pin_count, 1);
    cr_assert_str_eq(cfg_pinned_mapping(&c, "conv1"),
                     "NGKCPQRS [N1 G1 K1 C1 P1 Q1 R1 S1] NGKCPQRS [N1 G1 K1 C1 P1 Q1 R1 S1]");
    cr_assert_null(cfg_pinned_mapping(&c, "conv2"));
    const char *bad[] = {"memory.mappings={\"conv1\": 3}"};
    parse_fails(hier, bad, 1,
                "--set memory.mappings={\"conv1\": 3}: memory.mappings.conv1: expected a string, "
                "found a number");
    const char *obj[] = {"memory.objective=area"};
    cfg_accel d;
    fw_err err;
    cr_assert_eq(cfg_parse("c.json", hier, obj, 1, &d, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "--set memory.objective=area: memory.objective") == err.msg, "%s",
              err.msg);
}

/* Compares two configs field by field where cfg_from_json defines them: everything but the pins
 * table beyond pin_count (never read). */
static bool same_cfg(const cfg_accel *a, const cfg_accel *b)
{
    size_t pins = offsetof(cfg_accel, pins), after = pins + sizeof a->pins;
    return !memcmp(a, b, pins) && a->pin_count == b->pin_count &&
           !memcmp(a->pins, b->pins, a->pin_count * sizeof a->pins[0]) &&
           !memcmp((const char *)a + after, (const char *)b + after, sizeof *a - after);
}

static uint64_t cfg_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Incremental validation (cfg_from_json_sections, what a sweep does per point) gives exactly
 * cfg_from_json's status, message and config on random edits of the shipped configs: valid and
 * invalid values, wrong types, unknown keys inside a section, whole sections replaced, several
 * sections at once (an earlier section's error must win, as in the full reading). */
Test(sim_config, incremental_validation_equals_full)
{
    static const char *const files[] = {"configs/test8x8.json", "configs/edge32x32.json",
                                        "configs/tpu_v1_like.json", "configs/rs_like.json"};
    static const char *const paths[] = {
        "name", "clock_mhz", "array.rows", "array.cols", "array.dataflow", "array.schedule",
        "array.mac_pipeline_cycles", "array.max_stream", "array.zero_gating", "array.rowz",
        "array", "precision", "precision.input", "precision.accumulator", "precision.output",
        "precision.rounding", "precision.fused", "sram.ifmap.size_bytes",
        "sram.filter.double_buffered", "sram.ofmap.word_bits", "sram.ofmap", "sram.foo",
        "memory.levels[0].size_bytes", "memory.levels[1].instances", "memory.objective",
        "memory.mappings", "memory.levels[0].partitions", "memory.levels[1].holds",
        "memory.levels[2].name", "dram.type", "dram.bandwidth_gbps", "dram.latency_cycles",
        "dram", "tech.node_nm", "tech.vdd_v", "tech.process", "tech.arith_source", "tech.x"};
    static const char *const values[] = {
        "0", "1", "2", "7", "16", "64", "100", "700", "4096", "5000", "65536", "1e12", "-3", "2.5",
        "0.0001", "true", "false", "null", "\"ws\"", "\"os\"", "\"is\"", "\"tree\"", "\"serial\"",
        "\"int8\"", "\"int16\"", "\"int32\"", "\"fp16\"", "\"fp32\"", "\"bf16\"", "\"lp\"",
        "\"as_built\"", "\"per_pe\"", "\"per_row\"", "\"energy\"", "\"edp\"", "\"ddr4\"",
        "\"none\"", "\"bogus\"", "[\"ifmap\", \"ofmap\"]", "[\"ifmap\"]", "[]",
        "{\"conv1\": \"x\"}", "{\"ifmap\": {\"size_bytes\": 64}}",
        "{\"input\": \"int8\", \"accumulator\": \"int32\"}",
        "{\"input\": \"fp16\", \"accumulator\": \"fp32\", \"output\": \"fp16\"}",
        "{\"rows\": 4, \"cols\": 4, \"dataflow\": \"os\"}",
        "{\"rows\": 4, \"cols\": 4, \"dataflow\": \"is\", \"mac_pipeline_cycles\": 3}",
        "{\"ifmap\": {\"size_bytes\": 1024}, \"filter\": {\"size_bytes\": 1024}, "
        "\"ofmap\": {\"size_bytes\": 1024, \"double_buffered\": false}}",
        "{\"type\": \"hbm2\", \"bandwidth_gbps\": 256}", "{\"node_nm\": 7, \"vdd_v\": 0.7}",
        "\"a name that is much longer than sixty-three bytes, which the config refuses ok\""};
    static const char *const good[][3] = {
        {"name", "\"x\"", "\"accel 2\""},
        {"clock_mhz", "700", "1000"},
        {"array.rows", "7", "64"},
        {"array.cols", "16", "3"},
        {"array.dataflow", "\"os\"", "\"tree\""},
        {"array.schedule", "\"serial\"", "\"pipelined\""},
        {"array.mac_pipeline_cycles", "1", "1"},
        {"array.max_stream", "0", "100"},
        {"array.zero_gating", "true", "false"},
        {"precision.input", "\"int8\"", "\"fp16\""},
        {"precision.rounding", "\"min\"", "\"near_even\""},
        {"precision.fused", "false", "true"},
        {"sram.ifmap.size_bytes", "4096", "65536"},
        {"sram.filter.double_buffered", "false", "true"},
        {"sram.ofmap.word_bits", "64", "512"},
        {"memory.levels[0].size_bytes", "65536", "4096"},
        {"memory.levels[1].instances", "\"shared\"", "\"per_row\""},
        {"memory.objective", "\"cycles\"", "\"edp\""},
        {"dram.type", "\"ddr4\"", "\"hbm2\""},
        {"dram.bandwidth_gbps", "12.8", "0"},
        {"dram.latency_cycles", "0", "250"},
        {"tech.node_nm", "45", "16"},
        {"tech.vdd_v", "0.8", "1.1"},
        {"tech.process", "\"lp\"", "\"hp\""},
        {"tech.arith_source", "\"as_built\"", "\"datapath\""}};
    uint64_t s = 14;
    unsigned compared = 0, failed = 0, checked = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        jr_doc orig;
        cfg_accel base_cfg;
        fw_err err;
        cr_assert_eq(jr_doc_load(files[f], &orig, &err), 0, "%s", err.msg);
        cr_assert_eq(cfg_from_json(&orig, &base_cfg, &err), 0, "%s", err.msg);
        for (unsigned n = 0; n < 4000; n++) {
            jr_doc doc = {.file = orig.file, .root = cJSON_Duplicate(orig.root, 1)};
            cr_assert_not_null(doc.root);
            unsigned edits = 1 + (unsigned)(cfg_rng(&s) % 3);
            cfg_sections sec = 0;
            bool applied = true;
            for (unsigned e = 0; e < edits && applied; e++) {
                const char *path = paths[cfg_rng(&s) % (sizeof paths / sizeof paths[0])];
                const char *value = values[cfg_rng(&s) % (sizeof values / sizeof values[0])];
                for (size_t g = 0; g < sizeof good / sizeof good[0]; g++)
                    if (!strcmp(good[g][0], path) && cfg_rng(&s) % 4) /* mostly valid */
                        value = good[g][1 + cfg_rng(&s) % 2];
                cfg_sections ps = cfg_sections_of(&orig, path);
                applied = ps != 0 && jr_doc_set(&doc, path, value, &err) == 0;
                sec |= ps;
            }
            if (applied) {
                cfg_accel full, part;
                fw_err ef, ep;
                fw_err_clear(&ef);
                fw_err_clear(&ep);
                int rf = cfg_from_json(&doc, &full, &ef);
                int rp = cfg_from_json_sections(&doc, &base_cfg, sec, &part, &ep);
                char *text = cJSON_PrintUnformatted(doc.root);
                cr_assert_eq(rf, rp, "%s: %s / %s", text, ef.msg, ep.msg);
                if (rf)
                    cr_assert_str_eq(ef.msg, ep.msg, "%s", text);
                else
                    cr_assert(same_cfg(&full, &part), "%s", text);
                cJSON_free(text);
                compared++;
                failed += rf != 0;
            }
            cJSON_Delete(doc.root);
            checked++;
        }
        jr_doc_fini(&orig);
    }
    /* both outcomes well represented */
    cr_assert_gt(compared, checked / 3, "%u of %u compared", compared, checked);
    cr_assert_gt(failed, compared / 10, "%u of %u invalid", failed, compared);
    cr_assert_gt(compared - failed, compared / 10, "%u of %u valid", compared - failed, compared);
    /* paths outside the sections: only the full validation */
    jr_doc orig;
    fw_err err;
    cr_assert_eq(jr_doc_load("configs/edge32x32.json", &orig, &err), 0, "%s", err.msg);
    cr_assert_eq(cfg_sections_of(&orig, "arrayx.rows"), 0u);
    cr_assert_eq(cfg_sections_of(&orig, "memory.levels"), 0u); /* edge32x32 has "sram" */
    cr_assert_eq(cfg_sections_of(&orig, "clock_mhz"), CFG_SEC_CLOCK | CFG_SEC_DRAM);
    cr_assert_eq(cfg_sections_of(&orig, "array.rows"), CFG_SEC_ARRAY | CFG_SEC_STORAGE);
    cr_assert_eq(cfg_sections_of(&orig, "sram.ifmap.size_bytes"), CFG_SEC_STORAGE);
    jr_doc_fini(&orig);
}
