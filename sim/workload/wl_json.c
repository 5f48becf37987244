/* wl_json: reads the workload JSON format (configs/README.md, section "Workloads") through the
 * project's strict JSON reader (common/jr.h), fills wl_layer values and finishes them with
 * wl_layer_finish. Errors: "FILE: layers[I].KEY: reason (layer 'NAME')". */
#include "common/jr.h"
#include "workload/wl.h"
#include "workload/wl_names.h"

#include <stdlib.h>
#include <string.h>

#define WL_JSON_DIM_MAX (1u << 30) /* largest size, stride, dilation, padding or count */
#define WL_JSON_BATCH_MAX (1u << 20)
#define WL_JSON_LAYERS_MAX 100000u

enum {
    WL_T_CONV,
    WL_T_FC,
    WL_T_GEMM,
    WL_T_POOL,
    WL_T_ELTWISE,
    WL_T_MATMUL,
    WL_T_SOFTMAX,
    WL_T_LAYERNORM,
    WL_T_GELU,
    WL_T_COUNT
};
static const char *const wl_json_types[WL_T_COUNT] = {
    "conv", "fc", "gemm", "pool", "eltwise", "matmul", "softmax", "layernorm", "gelu"};
static const char *const wl_json_pad_modes[] = {"same", "valid"};

/* Reads either the square shorthand `both` or the pair k1/k2 (never both forms). */
static int wl_json_pair(jr_obj *o, const char *both, const char *k1, const char *k2, bool required,
                        uint32_t def, uint32_t *v1, uint32_t *v2, fw_err *err)
{
    int rc;
    if (jr_has(o, both)) {
        if (jr_has(o, k1) || jr_has(o, k2))
            return jr_fail(o, jr_has(o, k1) ? k1 : k2, err, "give either %s or %s and %s, not both",
                           both, k1, k2);
        if ((rc = jr_u32(o, both, true, 0, 1, WL_JSON_DIM_MAX, v1, err)))
            return rc;
        *v2 = *v1;
        return 0;
    }
    if (required && !jr_has(o, k1) && !jr_has(o, k2))
        return jr_fail(o, both, err, "missing required key (or %s and %s)", k1, k2);
    if ((rc = jr_u32(o, k1, required, def, 1, WL_JSON_DIM_MAX, v1, err)) ||
        (rc = jr_u32(o, k2, required, def, 1, WL_JSON_DIM_MAX, v2, err)))
        return rc;
    return 0;
}

/* TensorFlow's "same" padding along one axis: out = ceil(in / stride), the total padding
 * needed for that output, the odd pixel at the end (bottom/right). */
static void wl_json_same_pad(uint32_t in, uint32_t filt, uint32_t dil, uint32_t stride,
                             uint32_t *before, uint32_t *after)
{
    uint64_t out = ((uint64_t)in + stride - 1) / stride;
    uint64_t need = (out - 1) * stride + (uint64_t)dil * (filt - 1) + 1;
    uint64_t total = need > in ? need - in : 0;
    *before = (uint32_t)(total / 2);
    *after = (uint32_t)(total - total / 2);
}

/* "pad": integer (all four sides) | "same" | "valid", or pad_top/pad_bottom/pad_left/pad_right.
 * Sets *same when the padding must be derived once the other shapes are known. */
static int wl_json_pad(jr_obj *o, wl_layer *l, bool *same, fw_err *err)
{
    static const char *const sides[] = {"pad_top", "pad_bottom", "pad_left", "pad_right"};
    uint32_t *fields[] = {&l->pad_top, &l->pad_bottom, &l->pad_left, &l->pad_right};
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(o->node, "pad");
    int rc;
    *same = false;
    if (pv) {
        for (size_t i = 0; i < 4; i++)
            if (jr_has(o, sides[i]))
                return jr_fail(o, sides[i], err,
                               "give either pad or pad_top, pad_bottom, pad_left and pad_right, "
                               "not both");
        if (cJSON_IsString(pv)) {
            unsigned mode;
            if ((rc = jr_enum(o, "pad", true, 0, wl_json_pad_modes, 2, &mode, err)))
                return rc;
            *same = mode == 0;
            return 0;
        }
        if (!cJSON_IsNumber(pv))
            return jr_fail(o, "pad", err, "expected an integer, \"same\" or \"valid\"");
        uint32_t all;
        if ((rc = jr_u32(o, "pad", true, 0, 0, WL_JSON_DIM_MAX, &all, err)))
            return rc;
        for (size_t i = 0; i < 4; i++)
            *fields[i] = all;
        return 0;
    }
    for (size_t i = 0; i < 4; i++)
        if ((rc = jr_u32(o, sides[i], false, 0, 0, WL_JSON_DIM_MAX, fields[i], err)))
            return rc;
    return 0;
}

static int wl_json_input(jr_obj *o, wl_layer *l, fw_err *err)
{
    int rc;
    if ((rc = jr_u32(o, "in_h", true, 0, 1, WL_JSON_DIM_MAX, &l->in_h, err)) ||
        (rc = jr_u32(o, "in_w", true, 0, 1, WL_JSON_DIM_MAX, &l->in_w, err)) ||
        (rc = jr_u32(o, "in_c", true, 0, 1, WL_JSON_DIM_MAX, &l->in_c, err)))
        return rc;
    return 0;
}

/* Reads the window keys shared by conv and pool: kernel, stride, pad (and dilation if asked). */
static int wl_json_window(jr_obj *o, wl_layer *l, bool dilation, bool *same, fw_err *err)
{
    int rc;
    if ((rc =
             wl_json_pair(o, "kernel", "filt_r", "filt_s", true, 0, &l->filt_r, &l->filt_s, err)) ||
        (rc = wl_json_pair(o, "stride", "stride_h", "stride_w", false, 1, &l->stride_h,
                           &l->stride_w, err)) ||
        (rc = wl_json_pad(o, l, same, err)))
        return rc;
    if (dilation &&
        (rc = wl_json_pair(o, "dilation", "dil_h", "dil_w", false, 1, &l->dil_h, &l->dil_w, err)))
        return rc;
    return 0;
}

/* "inputs": names of earlier layers (or "input", the network's input) whose outputs this layer
 * reads; earlier are layers[0..count-1], their names in the table names. Fills l->inputs
 * (indices) and l->input_count. */
static int wl_json_inputs(jr_obj *o, wl_layer *l, const wl_layer *earlier, const wl_names *names,
                          fw_err *err)
{
    jr_arr arr;
    bool present;
    int rc;
    if ((rc = jr_arr_get(o, "inputs", false, &arr, &present, err)) || !present)
        return rc;
    if (arr.count == 0 || arr.count > WL_INPUTS_MAX)
        return jr_fail(o, "inputs", err, "must name 1 to %d tensors", WL_INPUTS_MAX);
    for (size_t j = 0; j < arr.count; j++) {
        const char *name;
        char key[32];
        snprintf(key, sizeof key, "inputs[%zu]", j);
        if ((rc = jr_arr_str(&arr, j, &name, err)))
            return rc;
        uint32_t idx = WL_INPUT_NETWORK;
        if (strcmp(name, WL_INPUT_NETWORK_NAME)) {
            long e = wl_names_index(names, earlier, name);
            if (e < 0)
                return jr_fail(o, key, err,
                               "unknown tensor '%.80s' (the name of an earlier layer, or \"%s\")",
                               name, WL_INPUT_NETWORK_NAME);
            idx = (uint32_t)e;
        }
        for (size_t k = 0; k < j; k++)
            if (l->inputs[k] == idx)
                return jr_fail(o, key, err, "tensor '%.80s' named twice", name);
        l->inputs[j] = idx;
    }
    l->input_count = (uint32_t)arr.count;
    return 0;
}

/* Checks a finished layer's explicit inputs against the shapes of the tensors it names: a conv
 * or pool reads them concatenated along channels (same height and width, channels adding up to
 * in_c), an element-wise layer adds them (each exactly its shape), a fully connected or GEMM
 * layer reads them flattened (elements per image adding up to its input). No check when one of
 * them is the network's input (its shape is not declared), nor for a matmul (its two operands
 * have their own layouts, wl.h). */
static int wl_json_check_inputs(jr_obj *o, const wl_layer *l, const wl_layer *earlier,
                                fw_err *err)
{
    uint64_t channels = 0, elems = 0;
    if (l->input_count == 0 || l->kind == WL_MATMUL)
        return 0;
    for (uint32_t j = 0; j < l->input_count; j++) {
        if (l->inputs[j] == WL_INPUT_NETWORK)
            return 0;
        const wl_layer *p = &earlier[l->inputs[j]];
        channels += p->filters;
        elems += (uint64_t)p->out_h * p->out_w * p->filters;
        bool spatial = l->kind == WL_CONV || l->kind == WL_NOMAC;
        if (spatial && (p->out_h != l->in_h || p->out_w != l->in_w))
            return jr_fail(o, "inputs", err,
                           "tensor '%s' is %ux%u, the layer's input is %ux%u (height x width)",
                           p->name, p->out_h, p->out_w, l->in_h, l->in_w);
        if (l->kind == WL_NOMAC && l->nomac == WL_NOMAC_ELTWISE && p->filters != l->in_c)
            return jr_fail(o, "inputs", err, "tensor '%s' has %u channels, in_c is %u", p->name,
                           p->filters, l->in_c);
    }
    if (l->kind == WL_NOMAC && l->nomac == WL_NOMAC_ELTWISE)
        return 0;
    if ((l->kind == WL_CONV || l->kind == WL_NOMAC) && channels != l->in_c)
        return jr_fail(o, "inputs", err, "the tensors have %llu channels together, in_c is %u",
                       (unsigned long long)channels, l->in_c);
    uint64_t want = (uint64_t)l->in_h * l->in_w * l->in_c;
    if ((l->kind == WL_FC || l->kind == WL_GEMM) && elems != want)
        return jr_fail(o, "inputs", err,
                       "the tensors have %llu elements per image together, the layer reads %llu",
                       (unsigned long long)elems, (unsigned long long)want);
    return 0;
}

/* Reads one layer object into *l (l->name is set as soon as the name is known). */
static int wl_json_layer(jr_obj *o, wl_layer *l, uint32_t batch, const wl_layer *earlier,
                         const wl_names *names, const char *npy[2], fw_err *err)
{
    const char *name;
    unsigned type;
    bool same = false;
    int rc;
    if ((rc = jr_str(o, "name", true, NULL, &name, err)))
        return rc;
    if (!name[0] || strlen(name) >= WL_NAME_BYTES)
        return jr_fail(o, "name", err, "must have 1 to %d characters", WL_NAME_BYTES - 1);
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return jr_fail(o, "name", err, "control character 0x%02x in the name",
                           (unsigned)(unsigned char)*c);
    if ((rc = jr_enum(o, "type", true, 0, wl_json_types, WL_T_COUNT, &type, err))) {
        snprintf(l->name, sizeof l->name, "%s", name);
        return rc;
    }
    switch (type) {
    case WL_T_CONV:
        wl_layer_init(l, WL_CONV, name);
        if ((rc = wl_json_input(o, l, err)) ||
            (rc = jr_u32(o, "filters", true, 0, 1, WL_JSON_DIM_MAX, &l->filters, err)) ||
            (rc = wl_json_window(o, l, true, &same, err)) ||
            (rc = jr_u32(o, "groups", false, 1, 1, WL_JSON_DIM_MAX, &l->groups, err)))
            return rc;
        {
            const char *an[WL_ALGO_COUNT];
            unsigned algo;
            for (unsigned a = 0; a < WL_ALGO_COUNT; a++)
                an[a] = wl_algo_name((wl_algo)a);
            if ((rc =
                     jr_enum(o, "algorithm", false, WL_ALGO_DIRECT, an, WL_ALGO_COUNT, &algo, err)))
                return rc;
            l->algorithm = (wl_algo)algo;
        }
        break;
    case WL_T_FC:
        wl_layer_init(l, WL_FC, name);
        if ((rc = jr_u32(o, "in_features", true, 0, 1, WL_JSON_DIM_MAX, &l->in_c, err)) ||
            (rc = jr_u32(o, "out_features", true, 0, 1, WL_JSON_DIM_MAX, &l->filters, err)))
            return rc;
        break;
    case WL_T_GEMM:
        wl_layer_init(l, WL_GEMM, name);
        if ((rc = jr_u32(o, "m", true, 0, 1, WL_JSON_DIM_MAX, &l->in_h, err)) ||
            (rc = jr_u32(o, "n", true, 0, 1, WL_JSON_DIM_MAX, &l->filters, err)) ||
            (rc = jr_u32(o, "k", true, 0, 1, WL_JSON_DIM_MAX, &l->in_w, err)))
            return rc;
        break;
    case WL_T_MATMUL:
        wl_layer_init(l, WL_MATMUL, name);
        if ((rc = jr_u32(o, "m", true, 0, 1, WL_JSON_DIM_MAX, &l->in_h, err)) ||
            (rc = jr_u32(o, "n", true, 0, 1, WL_JSON_DIM_MAX, &l->mm_n, err)) ||
            (rc = jr_u32(o, "k", true, 0, 1, WL_JSON_DIM_MAX, &l->mm_k, err)) ||
            (rc = jr_u32(o, "heads", false, 1, 1, WL_JSON_DIM_MAX, &l->heads, err)))
            return rc;
        break;
    case WL_T_POOL:
        wl_layer_init(l, WL_NOMAC, name);
        l->nomac = WL_NOMAC_POOL;
        if ((rc = wl_json_input(o, l, err)) || (rc = wl_json_window(o, l, false, &same, err)))
            return rc;
        break;
    default:
        wl_layer_init(l, WL_NOMAC, name);
        l->nomac = type == WL_T_SOFTMAX     ? WL_NOMAC_SOFTMAX
                   : type == WL_T_LAYERNORM ? WL_NOMAC_LAYERNORM
                   : type == WL_T_GELU      ? WL_NOMAC_GELU
                                            : WL_NOMAC_ELTWISE;
        if ((rc = wl_json_input(o, l, err)))
            return rc;
        break;
    }
    if (l->kind != WL_NOMAC) {
        double di, dw;
        const char *nm, *mp;
        if ((rc = jr_str(o, "mapping", false, NULL, &mp, err)))
            return rc;
        if (mp && (!mp[0] || strlen(mp) >= WL_MAPPING_BYTES))
            return jr_fail(o, "mapping", err, "must have 1 to %d characters",
                           WL_MAPPING_BYTES - 1);
        if (mp)
            snprintf(l->mapping, sizeof l->mapping, "%s", mp);
        if ((rc = jr_str(o, "weight_sparsity", false, NULL, &nm, err)))
            return rc;
        if (nm && !wl_parse_nm(nm, &l->sparsity_n, &l->sparsity_m))
            return jr_fail(o, "weight_sparsity", err,
                           "'%.40s' is not N:M with 1 <= N <= M <= %u (e.g. \"2:4\")", nm,
                           WL_NM_MAX);
        if ((rc = jr_str(o, "ifmap_npy", false, NULL, &npy[0], err)) ||
            (rc = jr_str(o, "weight_npy", false, NULL, &npy[1], err)))
            return rc;
        static const char *const npy_keys[2][2] = {{"ifmap_npy", "ifmap_density"},
                                                   {"weight_npy", "weight_density"}};
        for (int t = 0; t < 2; t++) {
            if (npy[t] && l->kind == WL_MATMUL)
                return jr_fail(o, npy_keys[t][0], err,
                               "a matmul's operands are activations of earlier layers, not files");
            if (npy[t] && jr_has(o, npy_keys[t][1]))
                return jr_fail(o, npy_keys[t][1], err,
                               "given with %s: the density is measured from the file",
                               npy_keys[t][0]);
        }
        if (nm && l->kind == WL_MATMUL)
            return jr_fail(o, "weight_sparsity", err,
                           "a matmul has no weights (its B is an activation)");
        /* N:M weights without weight_density: exactly N of every M are non-zero */
        double dw_def = nm ? (double)l->sparsity_n / l->sparsity_m : 1.0;
        if ((rc = jr_f64(o, "ifmap_density", false, 1.0, 0.0, 1.0, &di, err)) ||
            (rc = jr_f64(o, "weight_density", false, dw_def, 0.0, 1.0, &dw, err)))
            return rc;
        if (nm && dw > dw_def)
            return jr_fail(o, "weight_density", err,
                           "%g is above the %s weights' density %g", dw, nm, dw_def);
        l->ifmap_zero_frac = 1.0 - di;
        l->weight_zero_frac = 1.0 - dw;
    }
    if ((rc = wl_json_inputs(o, l, earlier, names, err)) || (rc = jr_obj_done(o, err)))
        return rc;
    if (same) {
        wl_json_same_pad(l->in_h, l->filt_r, l->dil_h, l->stride_h, &l->pad_top, &l->pad_bottom);
        wl_json_same_pad(l->in_w, l->filt_s, l->dil_w, l->stride_w, &l->pad_left, &l->pad_right);
    }
    l->batch = batch;
    if ((rc = wl_layer_finish(l, err))) {
        char reason[FW_ERR_MSG_BYTES];
        snprintf(reason, sizeof reason, "%s", err->msg);
        return fw_err_set(err, rc, "%s: %s.%.300s", o->file, o->path, reason);
    }
    return wl_json_check_inputs(o, l, earlier, err);
}

/* The expected shape of a layer's operand tensor t (0 ifmap, 1 weights) in a .npy file: the
 * flopwatt layouts of wl.h (count dims into dims). */
static uint32_t wl_json_npy_dims(const wl_layer *l, int t, uint64_t dims[4])
{
    if (t == 0) {
        dims[0] = l->batch;
        if (l->kind == WL_CONV) {
            dims[1] = l->in_h, dims[2] = l->in_w, dims[3] = l->in_c;
            return 4;
        }
        if (l->kind == WL_FC) {
            dims[1] = l->in_c;
            return 2;
        }
        dims[1] = l->in_h, dims[2] = l->in_w; /* gemm: m x k per image */
        return 3;
    }
    dims[0] = l->filters;
    if (l->kind == WL_CONV) {
        dims[1] = l->filt_r, dims[2] = l->filt_s, dims[3] = l->in_c / l->groups;
        return 4;
    }
    dims[1] = l->kind == WL_FC ? l->in_c : l->in_w;
    return 2;
}

/* Loads the layer's .npy operands (npy[0] ifmap, npy[1] weights; NULL: none), paths relative
 * to the workload file's directory (file is the workload's name; "-" reads from the current
 * directory): the shape must be the layout's (the leading batch of 1 may be left out), the
 * layer's zero fraction is measured from the values. */
static int wl_json_npy(const char *file, jr_obj *o, wl_workload *wl, wl_layer *l,
                       const char *npy[2], fw_err *err)
{
    static const char *const keys[2] = {"ifmap_npy", "weight_npy"};
    for (int t = 0; t < 2; t++) {
        if (!npy[t])
            continue;
        char path[4096];
        const char *slash = strrchr(file, '/');
        if (npy[t][0] == '/' || !slash || !strcmp(file, "-"))
            snprintf(path, sizeof path, "%s", npy[t]);
        else
            snprintf(path, sizeof path, "%.*s/%s", (int)(slash - file), file, npy[t]);
        wl_tensor *grown = realloc(wl->tensors, (wl->tensor_count + 1) * sizeof *grown);
        if (!grown)
            return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", file);
        wl->tensors = grown;
        wl_tensor *x = &wl->tensors[wl->tensor_count];
        int rc = wl_npy_load(path, x, err);
        if (rc) {
            char reason[FW_ERR_MSG_BYTES];
            snprintf(reason, sizeof reason, "%s", err->msg);
            return jr_fail(o, keys[t], err, "%.400s", reason);
        }
        wl->tensor_count++;
        uint64_t dims[4];
        uint32_t n = wl_json_npy_dims(l, t, dims);
        bool same = x->ndim == n && !memcmp(x->shape, dims, n * sizeof *dims);
        bool unbatched = dims[0] == 1 && x->ndim + 1 == n && !memcmp(x->shape, dims + 1,
                                                                    (n - 1) * sizeof *dims);
        if (!same && !unbatched) {
            char want[96], got[96];
            int w = snprintf(want, sizeof want, "(");
            for (uint32_t i = 0; i < n && w < (int)sizeof want; i++)
                w += snprintf(want + w, sizeof want - (size_t)w, "%s%llu", i ? ", " : "",
                              (unsigned long long)dims[i]);
            int g = snprintf(got, sizeof got, "(");
            for (uint32_t i = 0; i < x->ndim && g < (int)sizeof got; i++)
                g += snprintf(got + g, sizeof got - (size_t)g, "%s%llu", i ? ", " : "",
                              (unsigned long long)x->shape[i]);
            return jr_fail(o, keys[t], err, "'%s' has shape %.90s), the layer needs %.90s)%s",
                           npy[t], got, want,
                           t == 1 && l->kind == WL_CONV
                               ? " (filters, rows, columns, channels: PyTorch's (K, C, R, S) "
                                 "is w.transpose(0, 2, 3, 1))"
                               : "");
        }
        uint64_t zeros = 0;
        for (uint64_t i = 0; i < x->count; i++)
            zeros += x->values[i] == 0;
        double frac = x->count ? (double)zeros / (double)x->count : 0;
        if (t == 1 && l->sparsity_m && frac < 1.0 - (double)l->sparsity_n / l->sparsity_m)
            return jr_fail(o, keys[t], err, "'%s' has more non-zeros than its weight_sparsity",
                           npy[t]);
        /* x->values is its own allocation: it stays put when the tensor array grows */
        if (t == 0) {
            l->ifmap_zero_frac = frac;
            l->ifmap_values = x->values;
        } else {
            l->weight_zero_frac = frac;
            l->weight_values = x->values;
        }
    }
    return 0;
}

/* Appends " (layer 'NAME')" to the message. */
static void wl_json_name_layer(fw_err *err, const char *name)
{
    size_t n = strlen(err->msg);
    if (name[0])
        snprintf(err->msg + n, sizeof err->msg - n, " (layer '%s')", name);
}

int wl_parse_json(const char *name, const char *text, uint32_t batch_override, wl_workload **out,
                  fw_err *err)
{
    jr_doc doc;
    jr_obj root;
    jr_arr layers;
    const char *wl_name, *source;
    uint32_t batch;
    wl_workload *wl = NULL;
    wl_names names = {NULL, 0}; /* of the layers read so far */
    int rc;
    *out = NULL;
    if ((rc = jr_doc_parse(name, text, &doc, err)))
        return rc;
    if ((rc = jr_root(&doc, &root, err)) ||
        (rc = jr_str(&root, "name", true, NULL, &wl_name, err)) ||
        (rc = jr_str(&root, "source", false, "", &source, err)) ||
        (rc = jr_u32(&root, "batch", false, 1, 1, WL_JSON_BATCH_MAX, &batch, err)) ||
        (rc = jr_arr_get(&root, "layers", true, &layers, NULL, err)))
        goto done;
    if (!wl_name[0] || strlen(wl_name) >= WL_NAME_BYTES) {
        rc = jr_fail(&root, "name", err, "must have 1 to %d characters", WL_NAME_BYTES - 1);
        goto done;
    }
    for (const char *c = wl_name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            rc = jr_fail(&root, "name", err, "control character 0x%02x in the name",
                         (unsigned)(unsigned char)*c);
            goto done;
        }
    if (layers.count == 0 || layers.count > WL_JSON_LAYERS_MAX) {
        rc = jr_fail(&root, "layers", err, "must hold 1 to %u layers", WL_JSON_LAYERS_MAX);
        goto done;
    }
    if (batch_override)
        batch = batch_override;
    wl = calloc(1, sizeof *wl);
    if (wl)
        wl->layers = calloc(layers.count, sizeof *wl->layers);
    if (!wl || !wl->layers) {
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
        goto done;
    }
    snprintf(wl->name, sizeof wl->name, "%s", wl_name);
    wl->batch = batch;
    for (size_t i = 0; i < layers.count; i++) {
        jr_obj lo;
        wl_layer *l = &wl->layers[i];
        if ((rc = jr_arr_obj(&layers, i, &lo, err)))
            goto done;
        const char *npy[2] = {NULL, NULL};
        if ((rc = wl_json_layer(&lo, l, batch, wl->layers, &names, npy, err)) ||
            (rc = wl_json_npy(name, &lo, wl, l, npy, err))) {
            wl_json_name_layer(err, l->name);
            goto done;
        }
        long j = wl_names_index(&names, wl->layers, l->name);
        if (j >= 0) {
            rc = jr_fail(&lo, "name", err, "duplicate layer name '%s' (also layers[%ld])", l->name,
                         j);
            goto done;
        }
        if (wl_names_add(&names, wl->layers, i)) {
            rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
            goto done;
        }
        wl->layer_count = i + 1;
    }
    rc = jr_obj_done(&root, err);
done:
    wl_names_fini(&names);
    jr_doc_fini(&doc);
    if (rc) {
        wl_destroy(wl);
        return rc;
    }
    *out = wl;
    return 0;
}
