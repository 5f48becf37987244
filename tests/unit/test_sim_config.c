/* Tests of the accelerator config reader (sim/config/cfg): a full config, the documented
 * defaults (configs/README.md), --set overrides, precision combinations, the bandwidth unit
 * conversion worked by hand, and one-line errors naming the file and JSON path. */
#include "config/cfg.h"

#include <criterion/criterion.h>
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
