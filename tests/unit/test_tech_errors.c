/* Tests of bad technology data: each case edits one embedded data file (one text substitution)
 * and expects the exact one-line error, naming the file and the JSON path. Messages written by
 * hand from the documented format "FILE: path: reason". */
#include "common/jr.h"
#include "tech/tech.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads the embedded data with the first occurrence of `from` replaced by `to` in file `name`;
 * returns the status and fills err. */
static int load_edited(const char *name, const char *from, const char *to, fw_err *err)
{
    size_t count;
    const tech_text *emb = tech_embedded(&count);
    tech_text files[TECH_FILE_COUNT];
    char *edited = NULL;
    cr_assert_eq(count, TECH_FILE_COUNT);
    for (size_t i = 0; i < count; i++) {
        files[i] = emb[i];
        if (strstr(files[i].name, name)) {
            const char *at = strstr(files[i].text, from);
            cr_assert_not_null(at, "'%s' not in %s", from, name);
            size_t pre = (size_t)(at - files[i].text);
            edited = malloc(strlen(files[i].text) + strlen(to) + 1);
            memcpy(edited, files[i].text, pre);
            strcpy(edited + pre, to);
            strcat(edited, at + strlen(from));
            files[i].text = edited;
        }
    }
    cr_assert_not_null(edited, "no file %s", name);
    tech_lib *lib = NULL;
    int rc = tech_load_texts(files, count, &lib, err);
    tech_destroy(lib);
    free(edited);
    return rc;
}

static void fails(const char *name, const char *from, const char *to, const char *msg)
{
    fw_err err;
    cr_assert_eq(load_edited(name, from, to, &err), FW_EXIT_INPUT, "no error for %s -> %s", from,
                 to);
    cr_assert_str_eq(err.msg, msg);
}

Test(tech_errors, embedded_data_loads)
{
    fw_err err;
    cr_assert_eq(load_edited("arith.json", "\"rows\"", "\"rows\"", &err), 0, "%s", err.msg);
}

Test(tech_errors, missing_unit_in_a_key)
{
    /* "energy_pj" renamed to "energy": the unit-carrying key is missing, and the key left in
     * its place is named as its misspelling */
    fails("arith.json", "\"energy_pj\": 0.03", "\"energy\": 0.03",
          "models/tech/data/arith.json: rows[0].energy: unknown key (did you mean 'energy_pj'? "
          "'energy_pj' is required and missing)");
    fails("memory.json", "\"access_pj_per_bit\"", "\"access_pj\"",
          "models/tech/data/memory.json: register.access_pj: unknown key (did you mean "
          "'access_pj_per_bit'? 'access_pj_per_bit' is required and missing)");
}

Test(tech_errors, negative_or_zero_energy)
{
    fails("arith.json", "\"energy_pj\": 0.03", "\"energy_pj\": -0.03",
          "models/tech/data/arith.json: rows[0].energy_pj: -0.03 must be > 0");
    fails("memory.json", "\"low_pj_per_bit\": 15,", "\"low_pj_per_bit\": 0,",
          "models/tech/data/memory.json: dram[0].low_pj_per_bit: 0 must be > 0");
}

Test(tech_errors, unknown_node)
{
    fails("references.json", "\"node_nm\": 28, \"precision\": \"fp32\", \"peak_tflops\": 4.29",
          "\"node_nm\": 11, \"precision\": \"fp32\", \"peak_tflops\": 4.29",
          "models/tech/data/references.json: gpus[0].node_nm: unknown node 11 nm (not a usable "
          "node of nodes.json)");
    /* the excluded 180 nm row is not usable either */
    fails("memory.json", "{\"node_nm\": 45, \"vdd_v\": 0.9, \"capacity_bytes\": 8192,",
          "{\"node_nm\": 180, \"vdd_v\": 0.9, \"capacity_bytes\": 8192,",
          "models/tech/data/memory.json: sram_points[0].node_nm: unknown node 180 nm (not a "
          "usable node of nodes.json)");
}

Test(tech_errors, unknown_source_format_and_key)
{
    fails("arith.json", "\"energy_source\": \"horowitz2014\"", "\"energy_source\": \"nobody\"",
          "models/tech/data/arith.json: rows[0].energy_source: unknown source 'nobody' (not in "
          "\"sources\")");
    fails("arith.json", "\"format\": \"int8\"", "\"format\": \"int7\"",
          "models/tech/data/arith.json: rows[0].format: unknown format 'int7'");
    fails("arith.json", "\"area_um2\": 36,", "\"area_um2\": 36, \"colour\": 1,",
          "models/tech/data/arith.json: rows[0].colour: unknown key");
}

Test(tech_errors, structural_errors)
{
    fails("nodes.json", "{\"node_nm\": 90,", "{\"node_nm\": 200,",
          "models/tech/data/nodes.json: nodes[2].node_nm: nodes must be listed from the "
          "largest down");
    fails("nodes.json", "\"reference_node_nm\": 45", "\"reference_node_nm\": 40",
          "models/tech/data/nodes.json: reference_node_nm: 40 nm is not a fitted node");
    fails("memory.json", "\"dram_ranges\"},",
          "\"dram_ranges\"}, {\"type\": \"x\", "
          "\"low_pj_per_bit\": 9, \"high_pj_per_bit\": 3, \"source\": \"dram_ranges\"},",
          "models/tech/data/memory.json: dram[1].high_pj_per_bit: below low_pj_per_bit");
    fails("assumptions.json", "\"dram_type\": \"ddr3\"", "\"dram_type\": \"ddr9\"",
          "models/tech/data/assumptions.json: ladder.dram_type: unknown DRAM type 'ddr9' (not in "
          "memory.json)");
    fails("arith.json", "\"rows\": [", "\"rows\": [,",
          "models/tech/data/arith.json:12:12: JSON syntax error");
}

Test(tech_errors, sram_fit_must_grow_with_capacity)
{
    /* make the 1 MB point cheaper than the 8 KB one and the 32 KB one: the fitted capacity
     * exponent turns negative */
    fw_err err;
    size_t count;
    const tech_text *emb = tech_embedded(&count);
    (void)emb;
    int rc = load_edited("memory.json", "\"read_pj_per_access\": 100,",
                         "\"read_pj_per_access\": 0.001,", &err);
    cr_assert_eq(rc, FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "memory.json: sram_points: SRAM fit does not grow with capacity"),
              "%s", err.msg);
}

Test(tech_errors, files_from_a_directory)
{
    tech_lib *lib;
    fw_err err;
    cr_assert_eq(tech_load("models/tech/data", &lib, &err), 0, "%s", err.msg);
    tech_destroy(lib);
    cr_assert_eq(tech_load("build/no-such-dir", &lib, &err), FW_EXIT_IO);
    cr_assert_str_eq(err.msg, "build/no-such-dir/arith.json: cannot open");
}

/* As-built units: a unit more efficient than its own datapath figure is refused (52 GFLOPS/W
 * -> 600: 3.33 pJ at 32 nm / 1.05 V is 3.658 pJ at 45 nm / 0.9 V, below 3.7 + 0.9 = 4.6);
 * a unit without its supply, or at an unknown lp node, fails with the path. */
Test(tech_errors, as_built_units)
{
    fails("arith.json", "\"gflops_per_w\": 52", "\"gflops_per_w\": 600",
          "models/tech/data/arith.json: as_built[0].gflops_per_w: 600 GFLOPS/W moved to 45 nm / "
          "0.9 V is 3.658 pJ per MAC, below the datapath figure 4.6 pJ: a built unit cannot beat "
          "its datapath");
    fails("arith.json", "\"vdd_v\": 1.05,", "",
          "models/tech/data/arith.json: as_built[0].vdd_v: missing required key");
    fails("arith.json", "\"node_nm\": 22, \"process\": \"lp\"", "\"node_nm\": 11, \"process\": \"lp\"",
          "models/tech/data/arith.json: as_built[1].node_nm: node 11 nm: unknown lp node (known: "
          "130, 90, 65, 45, 40, 32, 28, 22, 20, 16, 14, 10, 7 nm)");
    fails("nodes.json", "\"lp_nodes\"", "\"lp_nodez\"",
          "models/tech/data/nodes.json: lp_nodez: unknown key (did you mean 'lp_nodes'? "
          "'lp_nodes' is required and missing)");
}

/* tech_load_start + tech_load_doc in load order build the same library, byte for byte, as
 * tech_load_texts on the same files (tests/fuzz/fuzz_tech.c relies on it); a document whose name
 * is no data file is refused. */
Test(tech_errors, load_in_steps_equals_load_texts)
{
    static const char *const order[] = {"nodes.json", "arith.json", "memory.json",
                                        "assumptions.json", "references.json"};
    size_t count;
    const tech_text *files = tech_embedded(&count);
    tech_lib *whole = NULL;
    fw_err err;
    cr_assert_eq(tech_load_texts(files, count, &whole, &err), 0, "%s", err.msg);
    tech_lib *steps = malloc(sizeof *steps);
    cr_assert(steps);
    tech_load_start(steps);
    for (size_t p = 0; p < sizeof order / sizeof *order; p++) {
        size_t i = 0;
        while (i < count && !strstr(files[i].name, order[p]))
            i++;
        cr_assert_lt(i, count, "%s not embedded", order[p]);
        jr_doc doc;
        cr_assert_eq(jr_doc_parse(files[i].name, files[i].text, &doc, &err), 0, "%s", err.msg);
        cr_assert_eq(tech_load_doc(steps, &doc, &err), 0, "%s", err.msg);
        jr_doc_fini(&doc);
    }
    cr_assert_eq(memcmp(whole, steps, sizeof *steps), 0, "the libraries differ");
    jr_doc doc;
    cr_assert_eq(jr_doc_parse("other.json", "{}", &doc, &err), 0);
    cr_assert_eq(tech_load_doc(steps, &doc, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "other.json: not a technology data file");
    jr_doc_fini(&doc);
    free(steps);
    tech_destroy(whole);
}
