/* tech_overlay: calibration overlays (flopwatt calibrate writes them, --tech FILE reads them):
 * one scale factor per energy class on top of the generic model (tech.h, models/tech/README.md
 * "Calibrating to a process"). */
#include "tech/tech.h"

#include "common/jr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const to_class_names[TECH_CLASS_COUNT] = {"arithmetic", "registers", "sram",
                                                             "wires", "leakage_clock"};

const char *tech_class_name(tech_class c)
{
    return c < TECH_CLASS_COUNT ? to_class_names[c] : "?";
}

void tech_scale_classes(tech_lib *lib, const double scale[TECH_CLASS_COUNT])
{
    for (int c = 0; c < TECH_CLASS_LEAK_CLOCK; c++)
        lib->class_scale[c] *= scale[c];
    /* leakage and clock are fractions of the array's dynamic energy (en.h): their factor goes on
     * the fractions, so it multiplies on top of the arithmetic and register factors */
    lib->class_scale[TECH_CLASS_LEAK_CLOCK] *= scale[TECH_CLASS_LEAK_CLOCK];
    lib->leak_fraction *= scale[TECH_CLASS_LEAK_CLOCK];
    lib->clock_fraction *= scale[TECH_CLASS_LEAK_CLOCK];
}

static int to_read(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    jr_obj root, sc;
    jr_arr fitted;
    const char *about;
    double f[TECH_CLASS_COUNT];
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = jr_str(&root, "about", false, "", &about, err)) ||
        (rc = jr_arr_get(&root, "fitted_on", true, &fitted, NULL, err)) ||
        (rc = jr_obj_get(&root, "scale", true, &sc, NULL, err)))
        return rc;
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        if ((rc = jr_f64(&sc, to_class_names[c], false, 1.0, 1e-3, 1e3, &f[c], err)))
            return rc;
    if ((rc = jr_obj_done(&sc, err)) || (rc = jr_obj_done(&root, err)))
        return rc;
    char names[TECH_TEXT_BYTES] = "";
    size_t used = 0;
    for (size_t i = 0; i < fitted.count; i++) {
        const char *s;
        if ((rc = jr_arr_str(&fitted, i, &s, err)))
            return rc;
        int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", s);
        if (n < 0 || (size_t)n >= sizeof names - used) {
            /* keep what fits: the list is information, the factors are what counts */
            snprintf(names + sizeof names - 4, 4, "...");
            break;
        }
        used += (size_t)n;
    }
    if (lib->overlay[0])
        return fw_err_set(err, FW_EXIT_INPUT, "%s: a calibration overlay (%s) is already applied",
                          doc->file, lib->overlay);
    tech_scale_classes(lib, f);
    snprintf(lib->overlay, sizeof lib->overlay, "%s", doc->file);
    snprintf(lib->fitted_on, sizeof lib->fitted_on, "%s", names);
    return 0;
}

int tech_overlay_apply_text(tech_lib *lib, const char *name, const char *text, fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_parse(name, text, &doc, err);
    if (!rc)
        rc = to_read(&doc, lib, err);
    jr_doc_fini(&doc);
    return rc;
}

int tech_overlay_apply(tech_lib *lib, const char *path, fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_load(path, &doc, err);
    if (rc)
        return rc;
    rc = to_read(&doc, lib, err);
    jr_doc_fini(&doc);
    return rc;
}
