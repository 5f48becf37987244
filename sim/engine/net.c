/* net: the network loop (see net.h). */
#include "engine/net.h"

#include <stdlib.h>
#include <string.h>

int net_run(const cfg_accel *cfg, const wl_workload *wl, const net_options *opt, net_result *out,
            fw_err *err)
{
    memset(out, 0, sizeof *out);
    out->layers = calloc(wl->layer_count ? wl->layer_count : 1, sizeof *out->layers);
    if (!out->layers)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    eng_options eo = opt->eng;
    int rc = 0;
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        if (opt->only_layer && strcmp(l->name, opt->only_layer))
            continue;
        if (l->kind == WL_NOMAC)
            continue;
        eo.seed = opt->eng.seed + i;
        if (opt->on_start)
            opt->on_start(opt->ctx, l);
        eng_result r;
        out->failed = i;
        if ((rc = eng_run_layer(cfg, l, &eo, &r, err)))
            break;
        if ((rc = eng_counters_add(&out->total, &r.c, err))) {
            eng_result_fini(&r);
            break;
        }
        if (opt->on_done && (rc = opt->on_done(opt->ctx, l, &r, eo.seed))) {
            eng_result_fini(&r);
            break;
        }
        net_layer *nl = &out->layers[out->layer_count++];
        nl->index = i;
        nl->c = r.c;
        eng_result_fini(&r);
    }
    if (rc) {
        size_t failed = out->failed;
        net_result_fini(out);
        out->failed = failed;
    }
    return rc;
}

void net_result_fini(net_result *res)
{
    free(res->layers);
    memset(res, 0, sizeof *res);
}
