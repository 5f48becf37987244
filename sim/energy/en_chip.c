/* en_chip: reading the chip database (en_chip.h; format in configs/README.md). */
#include "energy/en_chip.h"

#include "common/fw_io.h"
#include "common/jr.h"
#include "tech/tech.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ec_fig_keys[EN_FIGS] = {"throughput_gops", "frames_per_s", "power_w",
                                                 "gops_per_w", "area_mm2"};
static const char *const ec_measure_names[EN_MEASURES] = {"silicon", "post-layout"};
static const char *const ec_basis_names[] = {"peak", "workload"};

const char *en_measure_name(en_measure m)
{
    return m < EN_MEASURES ? ec_measure_names[m] : "?";
}

const char *en_basis_name(en_basis b)
{
    return b <= EN_BASIS_WORKLOAD ? ec_basis_names[b] : "?";
}

const char *en_fig_key(en_fig f)
{
    return f < EN_FIGS ? ec_fig_keys[f] : "?";
}

const en_citation *en_chip_cite(const en_chip *chip, const char *id)
{
    for (size_t i = 0; i < chip->cite_count; i++)
        if (!strcmp(chip->cites[i].id, id))
            return &chip->cites[i];
    return NULL;
}

/* A string key copied into buf (size bytes, non-empty when required). */
static int ec_text(jr_obj *o, const char *key, bool required, char *buf, size_t size, fw_err *err)
{
    const char *s;
    int rc = jr_str(o, key, required, "", &s, err);
    if (rc)
        return rc;
    if (required && !s[0])
        return jr_fail(o, key, err, "must not be empty");
    if (strlen(s) >= size)
        return jr_fail(o, key, err, "longer than %zu bytes", size - 1);
    snprintf(buf, size, "%s", s);
    return 0;
}

static int ec_citations(jr_obj *root, en_chip *c, fw_err *err)
{
    jr_obj cites;
    int rc = jr_obj_get(root, "citations", true, &cites, NULL, err);
    if (rc)
        return rc;
    const cJSON *it;
    cJSON_ArrayForEach(it, cites.node)
    {
        if (c->cite_count == EN_CHIP_MAX_CITES)
            return jr_fail(&cites, NULL, err, "more than %d citations", EN_CHIP_MAX_CITES);
        en_citation *ci = &c->cites[c->cite_count++];
        jr_obj o;
        if (strlen(it->string) >= sizeof ci->id)
            return jr_fail(&cites, it->string, err, "id longer than %zu bytes", sizeof ci->id - 1);
        snprintf(ci->id, sizeof ci->id, "%s", it->string);
        if ((rc = jr_obj_get(&cites, it->string, true, &o, NULL, err)) ||
            (rc = ec_text(&o, "authors", true, ci->authors, sizeof ci->authors, err)) ||
            (rc = ec_text(&o, "title", true, ci->title, sizeof ci->title, err)) ||
            (rc = ec_text(&o, "venue", true, ci->venue, sizeof ci->venue, err)) ||
            (rc = jr_u32(&o, "year", true, 0, 1950, 2100, &ci->year, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
    }
    if (c->cite_count == 0)
        return jr_fail(root, "citations", err, "at least one citation is required");
    return jr_obj_done(&cites, err);
}

static int ec_published(jr_obj *root, en_chip *c, fw_err *err)
{
    jr_obj pub;
    int rc = jr_obj_get(root, "published", true, &pub, NULL, err);
    if (rc)
        return rc;
    for (int f = 0; f < EN_FIGS; f++) {
        jr_obj o;
        bool present;
        en_figure *g = &c->fig[f];
        if ((rc = jr_obj_get(&pub, ec_fig_keys[f], false, &o, &present, err)))
            return rc;
        if (!present)
            continue;
        g->present = true;
        if ((rc = jr_f64(&o, "value", true, 0, 1e-12, 1e12, &g->value, err)) ||
            (rc = ec_text(&o, "source", true, g->source, sizeof g->source, err)) ||
            (rc = ec_text(&o, "where", true, g->where, sizeof g->where, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        if (!en_chip_cite(c, g->source))
            return jr_fail(&o, "source", err, "'%s' is not a key of citations", g->source);
    }
    if ((rc = jr_obj_done(&pub, err)))
        return rc;
    const en_figure *fg = c->fig;
    if (!fg[EN_FIG_GOPS_PER_W].present &&
        !(fg[EN_FIG_POWER].present && (fg[EN_FIG_GOPS].present || fg[EN_FIG_FPS].present)))
        return jr_fail(root, "published", err,
                       "no efficiency: give gops_per_w, or power_w with throughput_gops or "
                       "frames_per_s");
    if (fg[EN_FIG_FPS].present && c->basis != EN_BASIS_WORKLOAD)
        return jr_fail(root, "published", err,
                       "frames_per_s needs \"efficiency_basis\": \"workload\"");
    return 0;
}

static int ec_notes(jr_obj *root, en_chip *c, fw_err *err)
{
    jr_arr notes;
    bool present;
    int rc = jr_arr_get(root, "notes", false, &notes, &present, err);
    if (rc || !present)
        return rc;
    size_t used = 0;
    for (size_t i = 0; i < notes.count; i++) {
        const char *s;
        if ((rc = jr_arr_str(&notes, i, &s, err)))
            return rc;
        int n = snprintf(c->notes + used, sizeof c->notes - used, "%s%s", i ? " | " : "", s);
        if (n < 0 || (size_t)n >= sizeof c->notes - used)
            return fw_err_set(err, FW_EXIT_INPUT, "%s: notes: longer than %zu bytes in all",
                              c->file, sizeof c->notes - 1);
        used += (size_t)n;
    }
    return 0;
}

static int ec_read(const jr_doc *doc, en_chip *c, fw_err *err)
{
    jr_obj root;
    unsigned measure, basis;
    int rc;
    if ((rc = jr_root(doc, &root, err)) ||
        (rc = ec_text(&root, "name", true, c->name, sizeof c->name, err)) ||
        (rc = jr_enum(&root, "measurement", true, 0, ec_measure_names, EN_MEASURES, &measure,
                      err)) ||
        (rc = jr_enum(&root, "efficiency_basis", true, 0, ec_basis_names, 2, &basis, err)) ||
        (rc = ec_text(&root, "config", true, c->config, sizeof c->config, err)) ||
        (rc = ec_text(&root, "workload", true, c->workload, sizeof c->workload, err)) ||
        (rc = jr_u32(&root, "batch", true, 1, 1, 1048576, &c->batch, err)) ||
        (rc = ec_text(&root, "batch_source", true, c->batch_source, sizeof c->batch_source,
                      err)))
        return rc;
    c->measurement = (en_measure)measure;
    c->basis = (en_basis)basis;
    if ((rc = ec_citations(&root, c, err)) || (rc = ec_published(&root, c, err)) ||
        (rc = ec_notes(&root, c, err)))
        return rc;
    return jr_obj_done(&root, err);
}

int en_chip_parse(const char *name, const char *text, en_chip *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    if (strlen(name) >= sizeof out->file)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: path longer than %zu bytes", name,
                          sizeof out->file - 1);
    snprintf(out->file, sizeof out->file, "%s", name);
    jr_doc doc;
    int rc = jr_doc_parse(name, text, &doc, err);
    if (!rc)
        rc = ec_read(&doc, out, err);
    jr_doc_fini(&doc);
    return rc;
}

int en_chip_load(const char *path, en_chip *out, fw_err *err)
{
    char *text;
    int rc = fw_read_text_file(path, &text, err);
    if (rc)
        return rc;
    rc = en_chip_parse(path, text, out, err);
    free(text);
    return rc;
}

static int ec_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool ec_is_json(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".json") && name[0] != '.';
}

static int ec_unique(const en_chip *out, size_t count, fw_err *err)
{
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(out[i].name, out[j].name))
                return fw_err_set(err, FW_EXIT_INPUT, "%s: name: '%s' is also the name in %s",
                                  out[i].file, out[i].name, out[j].file);
    return 0;
}

static int ec_db_embedded(en_chip *out, size_t *count, fw_err *err)
{
    static const char prefix[] = "configs/chips/";
    size_t n;
    const tech_text *t = tech_embedded_inputs(&n);
    int rc = 0;
    *count = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *rest = t[i].name + sizeof prefix - 1;
        if (strncmp(t[i].name, prefix, sizeof prefix - 1) || strchr(rest, '/') ||
            !ec_is_json(rest))
            continue;
        if (*count == EN_CHIP_MAX)
            return fw_err_set(err, FW_EXIT_INPUT, "%s: more than %d chips", prefix, EN_CHIP_MAX);
        rc = en_chip_parse(t[i].name, t[i].text, &out[(*count)++], err);
    }
    if (!rc && *count == 0)
        rc = fw_err_set(err, FW_EXIT_INPUT, "no chip database built into the binary");
    return rc ? rc : ec_unique(out, *count, err);
}

int en_chip_db_load(const char *dir, en_chip *out, size_t *count, fw_err *err)
{
    if (!dir)
        return ec_db_embedded(out, count, err);
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot open the chip directory", dir);
    char *names[EN_CHIP_MAX];
    size_t n = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && !rc) {
        if (!ec_is_json(e->d_name))
            continue;
        if (n == EN_CHIP_MAX)
            rc = fw_err_set(err, FW_EXIT_INPUT, "%s: more than %d chip files", dir, EN_CHIP_MAX);
        else if (!(names[n++] = strdup(e->d_name)))
            rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    closedir(d);
    if (!rc && n == 0)
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s: no chip files (*.json)", dir);
    if (!rc)
        qsort(names, n, sizeof names[0], ec_cmp);
    for (size_t i = 0; i < n; i++) {
        if (!rc && names[i]) {
            char path[EN_CHIP_PATH_BYTES];
            int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (w < 0 || (size_t)w >= sizeof path)
                rc = fw_err_set(err, FW_EXIT_INPUT, "%s/%s: path too long", dir, names[i]);
            else
                rc = en_chip_load(path, &out[(*count)++], err);
        }
        free(names[i]);
    }
    return rc ? rc : ec_unique(out, *count, err);
}
