/* wl_onnx: reads an ONNX model (protobuf ModelProto, decoded by protobuf-c from the schema of
 * Debian's python3-onnx, generated at build time by tests/onnx.mk) into a workload.
 *
 * Steps: (1) the protobuf wire format is walked once against the schema's descriptors, so a
 * truncated file, a wrong wire type or messages nested too deep get an error naming the byte
 * offset and the field path before protobuf-c decodes anything; (2) tensors: graph inputs
 * (shapes; symbolic dimensions bound by wl_opts.dims, the leading one by batch_override),
 * initializers and Constant nodes (constants: dims, and small int64/int32 values for Reshape
 * and friends), value_info and graph outputs (shape hints); (3) nodes in dependency order
 * (cycles, missing inputs and tensors produced twice are errors); (4) per node, static shape
 * inference and one layer:
 *   Conv (2-D, or 1-D as height 1) -> conv: pads, strides, dilations, group, kernel_shape,
 *     auto_pad NOTSET / SAME_UPPER / SAME_LOWER / VALID; the bias adds no MACs.
 *   Gemm (transA, transB; alpha and beta scale, no MACs) and MatMul whose second operand is a
 *     constant 2-D matrix -> fc (when A is a matrix whose rows are the model batch) or gemm:
 *     rows = the product of A's leading dimensions, split into the model batch x per-image rows
 *     when divisible.
 *   MatMul of two activations, or with a batched constant (numpy broadcasting of the batch
 *     dimensions; 1-D operands promoted) -> matmul: the leading broadcast batch dimension is
 *     the images when it equals the model batch, the product of the others the heads.
 *   Softmax, LayerNormalization, Gelu -> softmax, layernorm, gelu layers (no MACs).
 *   MaxPool / AveragePool / LpPool (kernel_shape, strides, pads, auto_pad, ceil_mode: the
 *     extra output of ceil mode becomes end padding), GlobalAveragePool / GlobalMaxPool
 *     (window = the whole map) -> pool.
 *   Element-wise, normalisation, activation and data-movement operators (table onx_ops) ->
 *     eltwise layers without MACs, listed with their output tensor's shape (reductions: their
 *     input's), so their traffic is visible.
 *     Gather (embedding lookups), Slice, Split (one layer for all parts), Expand, Pad
 *     likewise; com.microsoft Gelu/FastGelu/BiasGelu/QuickGelu are gelu layers.
 *   Identity and Dropout are aliases (no layer); Constant, Shape, ConstantOfShape and any
 *     operator whose inputs are all constants make constants (no layer); small integer
 *     constants are folded (onx_fold_values) so exported dynamic reshapes get their shapes.
 *   Any other operator: listed without MACs with a warning when value_info gives every output's
 *     shape, else an error naming the node and its op type.
 * A tensor maps to a layer's (batch, in_h, in_w, in_c): a leading dimension equal to the model
 * batch (the first graph input's leading dimension) is the batch, the rest is one image:
 * [C, H, W] -> in_c C, in_h H, in_w W; [S, D] -> in_h S, in_c D; [D] -> in_c D; rank > 3:
 * in_c = first, in_h = product of the middle, in_w = last.
 * Graph edges become the layers' inputs (wl_layer.inputs: the layers whose outputs a layer
 * reads, through aliases, or the network input; constants are not inputs).
 * Errors: "FILE: node 'NAME' (OP): reason", "FILE: byte B: PATH: reason", "FILE: graph.input
 * 'X': reason"; every error is FW_EXIT_INPUT except out of memory (FW_EXIT_IO).
 */
#include "workload/wl.h"

#include "onnx.pb-c.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ONX_RANK_MAX 8            /* largest tensor rank handled */
#define ONX_DEPTH_MAX 24          /* deepest protobuf message nesting accepted */
#define ONX_NODES_MAX 100000u     /* as the JSON reader's layer limit */
#define ONX_CONST_VALUES_MAX 64   /* int constants kept (shapes, axes) */
#define ONX_INPUTS_MAX 64         /* inputs of one node (Concat, Sum) */
#define ONX_DIM_MAX (INT64_C(1) << 40)  /* largest dimension */
#define ONX_ELEMS_MAX (INT64_C(1) << 56) /* largest tensor element count */

typedef struct onx_tensor {
    const char *name;
    int rank; /* -1: not known yet */
    int64_t dims[ONX_RANK_MAX];
    bool is_const;     /* initializer, Constant or Shape output */
    size_t nvals;      /* int values kept for a small int64/int32 constant (else 0) */
    int64_t vals[ONX_CONST_VALUES_MAX];
    bool has_vals;
    long layer;        /* producing layer, -1 for graph inputs and constants */
    bool hint;         /* rank/dims come from value_info, not yet from a node */
    long producer;     /* producing node index, -1 for none */
} onx_tensor;

typedef struct onx_ctx {
    const char *file;
    const wl_opts *opts;
    Onnx__GraphProto *graph;
    onx_tensor *tensors;
    size_t ntensors, cap_tensors;
    size_t *hash; /* open addressing: tensor index + 1, 0 empty */
    size_t hash_cap;
    wl_layer *layers;
    size_t nlayers, cap_layers;
    size_t *lhash; /* layer names, as hash */
    size_t lhash_cap;
    int64_t model_batch;
    fw_err *err;
} onx_ctx;

/* ---------- errors ---------- */

/* Sets *err to a bad-input error with the formatted message (the callers prefix it). */
static void onx_vmsg(fw_err *err, const char *fmt, va_list ap)
{
    err->status = FW_EXIT_INPUT;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

static int onx_fail(onx_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int onx_fail(onx_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    onx_vmsg(c->err, fmt, ap);
    va_end(ap);
    return fw_err_prefix(c->err, "%s", c->file);
}

static int onx_oom(onx_ctx *c)
{
    return fw_err_set(c->err, FW_EXIT_IO, "%s: out of memory", c->file);
}

static const char *onx_node_name(const Onnx__NodeProto *n)
{
    if (n->name && n->name[0])
        return n->name;
    if (n->n_output && n->output[0] && n->output[0][0])
        return n->output[0];
    return "?";
}

static int onx_node_fail(onx_ctx *c, const Onnx__NodeProto *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int onx_node_fail(onx_ctx *c, const Onnx__NodeProto *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    onx_vmsg(c->err, fmt, ap);
    va_end(ap);
    return fw_err_prefix(c->err, "%s: node '%.100s' (%.40s)", c->file, onx_node_name(n),
                         n->op_type ? n->op_type : "");
}

/* ---------- (1) wire format against the descriptors ---------- */

typedef struct onx_wire {
    const uint8_t *base;
    size_t size;
    const char *file;
    fw_err *err;
} onx_wire;

static int onx_varint(const uint8_t *p, size_t len, size_t *used, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= len)
            return -1; /* truncated */
        x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *used = i + 1;
            *v = x;
            return 0;
        }
    }
    return -2; /* longer than 10 bytes */
}

/* The wire types a field of this descriptor may use (bit w set: wire type w allowed). */
static unsigned onx_wire_allowed(const ProtobufCFieldDescriptor *f)
{
    unsigned packed = f->label == PROTOBUF_C_LABEL_REPEATED ? 1u << 2 : 0;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_BOOL:
    case PROTOBUF_C_TYPE_ENUM:
        return 1u << 0 | packed;
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_DOUBLE:
        return 1u << 1 | packed;
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
        return 1u << 5 | packed;
    default:
        return 1u << 2;
    }
}

static const char *const onx_wire_names[8] = {"0 (varint)",   "1 (64-bit)", "2 (length)",
                                              "3 (group)",    "4 (group)",  "5 (32-bit)",
                                              "6 (invalid)", "7 (invalid)"};

static int onx_wire_fail(const onx_wire *w, size_t at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int onx_wire_fail(const onx_wire *w, size_t at, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    onx_vmsg(w->err, fmt, ap);
    va_end(ap);
    return fw_err_prefix(w->err, "%s: byte %zu: %s", w->file, at, path[0] ? path : "model");
}

/* Walks one message's fields in [start, end), recursing into sub-messages. */
static int onx_wire_walk(const onx_wire *w, size_t start, size_t end,
                         const ProtobufCMessageDescriptor *desc, const char *path, int depth)
{
    unsigned counts[64] = {0};
    size_t pos = start;
    if (depth > ONX_DEPTH_MAX)
        return onx_wire_fail(w, start, path, "messages nested deeper than %d levels",
                             ONX_DEPTH_MAX);
    while (pos < end) {
        size_t used, at = pos;
        uint64_t key, v;
        int vr = onx_varint(w->base + pos, end - pos, &used, &key);
        if (vr)
            return onx_wire_fail(w, at, path, "%s in a field key",
                                 vr == -1 ? "truncated" : "varint longer than 10 bytes");
        pos += used;
        uint64_t id = key >> 3;
        unsigned wt = (unsigned)(key & 7);
        if (id == 0 || id > 536870911u)
            return onx_wire_fail(w, at, path, "field number %" PRIu64 " is not valid", id);
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(desc, (unsigned)id);
        const char *fname = f ? f->name : "unknown";
        size_t body = pos, body_len = 0;
        switch (wt) {
        case 0:
            vr = onx_varint(w->base + pos, end - pos, &used, &v);
            if (vr)
                return onx_wire_fail(w, at, path, "field %" PRIu64 " (%s): %s", id, fname,
                                     vr == -1 ? "truncated varint"
                                              : "varint longer than 10 bytes");
            pos += used;
            break;
        case 1:
        case 5: {
            size_t n = wt == 1 ? 8 : 4;
            if (end - pos < n)
                return onx_wire_fail(w, at, path,
                                     "field %" PRIu64 " (%s): truncated: needs %zu bytes, %zu "
                                     "remain",
                                     id, fname, n, end - pos);
            pos += n;
            break;
        }
        case 2:
            vr = onx_varint(w->base + pos, end - pos, &used, &v);
            if (vr)
                return onx_wire_fail(w, at, path, "field %" PRIu64 " (%s): truncated length",
                                     id, fname);
            pos += used;
            if (v > end - pos)
                return onx_wire_fail(w, at, path,
                                     "field %" PRIu64 " (%s): truncated: declares %" PRIu64
                                     " bytes, %zu remain",
                                     id, fname, v, end - pos);
            body = pos;
            body_len = (size_t)v;
            pos += body_len;
            break;
        default:
            return onx_wire_fail(w, at, path, "field %" PRIu64 " (%s): wire type %s is not valid",
                                 id, fname, onx_wire_names[wt]);
        }
        if (!f)
            continue; /* unknown fields are skipped, as protobuf does */
        if (!(onx_wire_allowed(f) & (1u << wt)))
            return onx_wire_fail(w, at, path, "field %" PRIu64 " (%s) has wire type %s", id,
                                 fname, onx_wire_names[wt]);
        if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
            char sub[FW_ERR_MSG_BYTES / 2];
            unsigned idx = id < 64 ? counts[id]++ : 0;
            if (f->label == PROTOBUF_C_LABEL_REPEATED)
                snprintf(sub, sizeof sub, "%s%s%s[%u]", path, path[0] ? "." : "", f->name, idx);
            else
                snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
            int rc = onx_wire_walk(w, body, body + body_len,
                                   (const ProtobufCMessageDescriptor *)f->descriptor, sub,
                                   depth + 1);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---------- tensors ---------- */

static uint64_t onx_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static onx_tensor *onx_find(onx_ctx *c, const char *name)
{
    if (!c->hash_cap)
        return NULL;
    for (size_t i = onx_hash_str(name) & (c->hash_cap - 1);; i = (i + 1) & (c->hash_cap - 1)) {
        if (!c->hash[i])
            return NULL;
        if (!strcmp(c->tensors[c->hash[i] - 1].name, name))
            return &c->tensors[c->hash[i] - 1];
    }
}

/* Adds (or returns the existing) tensor called name; NULL when out of memory. Pointers into
 * c->tensors stay valid: the table is sized once (onx_prepare) before anything is added. */
static onx_tensor *onx_add(onx_ctx *c, const char *name, bool *existed)
{
    onx_tensor *t = onx_find(c, name);
    *existed = t != NULL;
    if (t)
        return t;
    if (c->ntensors == c->cap_tensors)
        return NULL;
    t = &c->tensors[c->ntensors++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->rank = -1;
    t->layer = -1;
    t->producer = -1;
    size_t i = onx_hash_str(name) & (c->hash_cap - 1);
    while (c->hash[i])
        i = (i + 1) & (c->hash_cap - 1);
    c->hash[i] = c->ntensors;
    return t;
}

static int onx_prepare(onx_ctx *c)
{
    const Onnx__GraphProto *g = c->graph;
    size_t n = g->n_input + g->n_initializer + g->n_value_info + g->n_output + 1;
    for (size_t i = 0; i < g->n_node; i++)
        n += g->node[i]->n_output;
    c->cap_tensors = n;
    c->hash_cap = 16;
    while (c->hash_cap < 2 * n)
        c->hash_cap *= 2;
    c->lhash_cap = 16;
    while (c->lhash_cap < 2 * g->n_node)
        c->lhash_cap *= 2;
    c->tensors = calloc(n, sizeof *c->tensors);
    c->hash = calloc(c->hash_cap, sizeof *c->hash);
    c->lhash = calloc(c->lhash_cap, sizeof *c->lhash);
    return c->tensors && c->hash && c->lhash ? 0 : onx_oom(c);
}

static bool onx_elems(const onx_tensor *t, int64_t *out)
{
    int64_t e = 1;
    for (int i = 0; i < t->rank; i++)
        if (__builtin_mul_overflow(e, t->dims[i], &e) || e > ONX_ELEMS_MAX)
            return false;
    *out = e;
    return true;
}

/* Checks a set of dims (no zero, no negative, none too large). */
static int onx_check_dims(onx_ctx *c, const char *what, const char *name, const onx_tensor *t)
{
    int64_t e;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] < 1)
            return onx_fail(c, "%s '%.100s': dimension %d is %" PRId64 " (must be at least 1)",
                            what, name, i, t->dims[i]);
        if (t->dims[i] > ONX_DIM_MAX)
            return onx_fail(c, "%s '%.100s': dimension %d is %" PRId64 ", larger than %" PRId64,
                            what, name, i, t->dims[i], ONX_DIM_MAX);
    }
    if (!onx_elems(t, &e))
        return onx_fail(c, "%s '%.100s': more than %" PRId64 " elements", what, name,
                        ONX_ELEMS_MAX);
    return 0;
}

static const wl_dim *onx_dim_value(const onx_ctx *c, const char *param)
{
    for (size_t i = 0; i < c->opts->dim_count; i++)
        if (!strcmp(c->opts->dims[i].name, param))
            return &c->opts->dims[i];
    return NULL;
}

/* Reads a ValueInfoProto's tensor shape into t. strict: every dimension must be known (graph
 * inputs); otherwise an unknown dimension leaves t without a shape (a hint we cannot use).
 * lead_override > 0 replaces dimension 0 (the batch of a graph input). */
static int onx_value_shape(onx_ctx *c, const Onnx__ValueInfoProto *vi, const char *what,
                           bool strict, int64_t lead_override, onx_tensor *t)
{
    const char *name = vi->name ? vi->name : "";
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !vi->type->tensor_type || !vi->type->tensor_type->shape) {
        if (strict)
            return onx_fail(c, "%s '%.100s': no tensor shape", what, name);
        return 0;
    }
    const Onnx__TensorShapeProto *s = vi->type->tensor_type->shape;
    if (s->n_dim > ONX_RANK_MAX)
        return strict ? onx_fail(c, "%s '%.100s': rank %zu is above %d", what, name, s->n_dim,
                                 ONX_RANK_MAX)
                      : 0;
    onx_tensor tmp = *t;
    tmp.rank = (int)s->n_dim;
    for (size_t i = 0; i < s->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = s->dim[i];
        if (i == 0 && lead_override > 0) {
            tmp.dims[0] = lead_override;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            tmp.dims[i] = d->dim_value;
        } else if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                   d->dim_param && onx_dim_value(c, d->dim_param)) {
            tmp.dims[i] = (int64_t)onx_dim_value(c, d->dim_param)->value;
        } else if (strict) {
            if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                d->dim_param && d->dim_param[0])
                return onx_fail(c,
                                "%s '%.100s': dimension %zu is symbolic ('%.60s'): give --dim "
                                "%.60s=N",
                                what, name, i, d->dim_param, d->dim_param);
            return onx_fail(c, "%s '%.100s': dimension %zu has no value: give the model a "
                               "fixed shape",
                            what, name, i);
        } else {
            return 0;
        }
    }
    int rc = onx_check_dims(c, what, name, &tmp);
    if (rc)
        return strict ? rc : (fw_err_clear(c->err), 0);
    *t = tmp;
    return 0;
}

/* Fills t from a TensorProto (initializer or Constant's value): dims, and the values of a
 * small int64/int32 tensor stored in place. */
static int onx_from_tensor(onx_ctx *c, const Onnx__TensorProto *tp, const char *what,
                           onx_tensor *t)
{
    const char *name = tp->name ? tp->name : "";
    if (tp->n_dims > ONX_RANK_MAX)
        return onx_fail(c, "%s '%.100s': rank %zu is above %d", what, name, tp->n_dims,
                        ONX_RANK_MAX);
    t->rank = (int)tp->n_dims;
    for (size_t i = 0; i < tp->n_dims; i++)
        t->dims[i] = tp->dims[i];
    t->is_const = true;
    t->hint = false;
    int rc = onx_check_dims(c, what, name, t);
    if (rc)
        return rc;
    int64_t n = 0;
    onx_elems(t, &n);
    t->has_vals = false;
    t->nvals = 0;
    if (n > ONX_CONST_VALUES_MAX || !tp->has_data_type)
        return 0;
    bool i64 = tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    size_t width = i64 ? 8 : tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT32 ? 4 : 0;
    if (!width)
        return 0;
    if (tp->has_raw_data && tp->raw_data.len == (size_t)n * width) {
        for (int64_t i = 0; i < n; i++) { /* little-endian, sign-extended */
            uint64_t u = 0;
            for (size_t b = width; b-- > 0;)
                u = u << 8 | tp->raw_data.data[(size_t)i * width + b];
            t->vals[i] = width == 8 ? (int64_t)u : (int64_t)(int32_t)(uint32_t)u;
        }
    } else if (i64 && tp->n_int64_data == (size_t)n) {
        if (n) /* protobuf-c leaves an empty repeated field NULL: memcpy(_, NULL, 0) is UB */
            memcpy(t->vals, tp->int64_data, (size_t)n * sizeof *t->vals);
    } else if (!i64 && tp->n_int32_data == (size_t)n) {
        for (int64_t i = 0; i < n; i++)
            t->vals[i] = tp->int32_data[i];
    } else {
        return 0;
    }
    t->nvals = (size_t)n;
    t->has_vals = true;
    return 0;
}

/* ---------- attributes ---------- */

static const Onnx__AttributeProto *onx_attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name))
            return n->attribute[i];
    return NULL;
}

static int onx_attr_int(onx_ctx *c, const Onnx__NodeProto *n, const char *name, int64_t def,
                        int64_t *out)
{
    const Onnx__AttributeProto *a = onx_attr(n, name);
    *out = def;
    if (!a)
        return 0;
    if (!a->has_i || (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT))
        return onx_node_fail(c, n, "attribute '%s' must be an integer", name);
    *out = a->i;
    return 0;
}

/* An ints attribute of exactly want values (want < 0: any count up to ONX_RANK_MAX * 2). */
static int onx_attr_ints(onx_ctx *c, const Onnx__NodeProto *n, const char *name, int want,
                         int64_t *out, size_t *count, bool *present)
{
    const Onnx__AttributeProto *a = onx_attr(n, name);
    *present = a != NULL;
    *count = 0;
    if (!a)
        return 0;
    if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) ||
        a->has_i || a->n_floats)
        return onx_node_fail(c, n, "attribute '%s' must be a list of integers", name);
    if (want >= 0 && a->n_ints != (size_t)want)
        return onx_node_fail(c, n, "attribute '%s' has %zu values, expected %d", name,
                             a->n_ints, want);
    if (a->n_ints > 2 * ONX_RANK_MAX)
        return onx_node_fail(c, n, "attribute '%s' has %zu values, more than %d", name,
                             a->n_ints, 2 * ONX_RANK_MAX);
    if (a->n_ints) /* an empty list is NULL (fuzz_onnx: a Transpose with "perm" of no values) */
        memcpy(out, a->ints, a->n_ints * sizeof *out);
    *count = a->n_ints;
    return 0;
}

static int onx_attr_str(onx_ctx *c, const Onnx__NodeProto *n, const char *name, const char *def,
                        char *out, size_t size)
{
    const Onnx__AttributeProto *a = onx_attr(n, name);
    snprintf(out, size, "%s", def);
    if (!a)
        return 0;
    if (!a->has_s || (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING))
        return onx_node_fail(c, n, "attribute '%s' must be a string", name);
    size_t len = a->s.len < size - 1 ? a->s.len : size - 1;
    if (len)
        memcpy(out, a->s.data, len);
    out[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
            out[i] = '?';
    return 0;
}

/* ---------- layers and edges ---------- */

/* Makes room for one more element in *arr (n used of *cap, elem bytes each). */
static int onx_grow(onx_ctx *c, void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t new_cap = *cap ? 2 * *cap : 64;
    void *p = realloc(*arr, new_cap * elem);
    if (!p)
        return onx_oom(c);
    *arr = p;
    *cap = new_cap;
    return 0;
}

/* Sets l's inputs: the layers producing n's non-constant inputs (or the network input). */
static int onx_layer_inputs(onx_ctx *c, const Onnx__NodeProto *n, wl_layer *l)
{
    l->input_count = 0;
    for (size_t i = 0; i < n->n_input; i++) {
        const onx_tensor *t = n->input[i][0] ? onx_find(c, n->input[i]) : NULL;
        if (!t || (t->layer < 0 && t->is_const))
            continue;
        uint32_t idx = t->layer >= 0 ? (uint32_t)t->layer : WL_INPUT_NETWORK;
        bool seen = false;
        for (uint32_t j = 0; j < l->input_count; j++)
            seen |= l->inputs[j] == idx;
        if (seen)
            continue;
        if (l->input_count == WL_INPUTS_MAX)
            return onx_node_fail(c, n, "reads more than %d tensors", WL_INPUTS_MAX);
        l->inputs[l->input_count++] = idx;
    }
    return 0;
}

/* Appends the finished layer *l for node n with its inputs, and records it as the producer of
 * n's outputs. */
static int onx_push_layer(onx_ctx *c, const Onnx__NodeProto *n, wl_layer *l)
{
    int rc = wl_layer_finish(l, c->err);
    if (rc) {
        char reason[FW_ERR_MSG_BYTES];
        snprintf(reason, sizeof reason, "%s", c->err->msg);
        return onx_node_fail(c, n, "%.300s", reason);
    }
    if (c->nlayers >= ONX_NODES_MAX)
        return onx_fail(c, "more than %u layers", ONX_NODES_MAX);
    void *arr = c->layers;
    rc = onx_grow(c, &arr, &c->cap_layers, c->nlayers, sizeof *c->layers);
    c->layers = arr;
    if (rc)
        return rc;
    size_t idx = c->nlayers;
    /* a unique, printable name */
    char base[WL_NAME_BYTES];
    snprintf(base, sizeof base, "%s", l->name);
    for (char *p = base; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    snprintf(l->name, sizeof l->name, "%s", base);
    size_t slot;
    for (unsigned k = 2;; k++) {
        bool dup = false;
        for (slot = onx_hash_str(l->name) & (c->lhash_cap - 1); c->lhash[slot];
             slot = (slot + 1) & (c->lhash_cap - 1))
            if (!strcmp(c->layers[c->lhash[slot] - 1].name, l->name)) {
                dup = true;
                break;
            }
        if (!dup)
            break;
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "~%u", k);
        snprintf(l->name, sizeof l->name, "%.*s%s", (int)(WL_NAME_BYTES - 1 - sl), base, suffix);
    }
    if ((rc = onx_layer_inputs(c, n, l)))
        return rc;
    c->layers[c->nlayers++] = *l;
    c->lhash[slot] = c->nlayers;
    for (size_t i = 0; i < n->n_output; i++) {
        onx_tensor *t = n->output[i][0] ? onx_find(c, n->output[i]) : NULL;
        if (t)
            t->layer = (long)idx;
    }
    return 0;
}

/* (rows, batch): the model batch when it divides rows, else everything in one image. */
static void onx_split_rows(const onx_ctx *c, int64_t rows, uint32_t *per_image, uint32_t *batch,
                           int64_t *per_out)
{
    int64_t b = c->model_batch;
    if (b > 1 && rows % b == 0) {
        *per_out = rows / b;
        *batch = (uint32_t)b;
    } else {
        *per_out = rows;
        *batch = 1;
    }
    *per_image = *per_out > UINT32_MAX ? UINT32_MAX : (uint32_t)*per_out;
}

static uint32_t onx_u32(int64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : v < 0 ? 0 : (uint32_t)v;
}

/* An eltwise layer shaped like tensor t (module header: the tensor to layer mapping; softmax
 * of attention scores [.., queries, keys]: in_h = queries, in_c = everything else). */
static void onx_shape_layer(const onx_ctx *c, const onx_tensor *t, wl_layer *l)
{
    bool scores = l->nomac == WL_NOMAC_SOFTMAX;
    int64_t h = 1, w = 1, ch = 1;
    int first = 0;
    l->batch = 1;
    if (t->rank >= 2 && t->dims[0] == c->model_batch) {
        l->batch = onx_u32(t->dims[0]);
        first = 1;
    }
    int r = t->rank - first;
    const int64_t *d = t->dims + first;
    if (r == 1) {
        ch = d[0];
    } else if (r == 2) {
        h = d[0];
        ch = d[1];
    } else if (r >= 3 && scores) {
        h = d[r - 2];
        for (int i = 0; i < r; i++)
            ch *= i == r - 2 ? 1 : d[i];
    } else if (r >= 3) {
        ch = d[0];
        w = d[r - 1];
        for (int i = 1; i < r - 1; i++)
            h *= d[i];
    }
    l->in_h = onx_u32(h);
    l->in_w = onx_u32(w);
    l->in_c = onx_u32(ch);
}

/* ---------- operators ---------- */

typedef struct onx_node_io {
    onx_tensor *in[ONX_INPUTS_MAX]; /* NULL: absent (empty name) */
    size_t nin;
    onx_tensor *out[4];
    size_t nout;
} onx_node_io;

static int onx_need_inputs(onx_ctx *c, const Onnx__NodeProto *n, const onx_node_io *io,
                           size_t want)
{
    for (size_t i = 0; i < want; i++)
        if (i >= io->nin || !io->in[i])
            return onx_node_fail(c, n, "input %zu is missing", i);
    return 0;
}

static int onx_need_rank(onx_ctx *c, const Onnx__NodeProto *n, const onx_tensor *t,
                         const char *what, int lo, int hi)
{
    if ((t->rank < lo || t->rank > hi) && lo == hi)
        return onx_node_fail(c, n, "%s '%.100s' has rank %d, expected %d", what, t->name,
                             t->rank, lo);
    if (t->rank < lo || t->rank > hi)
        return onx_node_fail(c, n, "%s '%.100s' has rank %d, expected %d to %d", what, t->name,
                             t->rank, lo, hi);
    return 0;
}

static void onx_set_out(onx_tensor *o, int rank, const int64_t *dims)
{
    o->rank = rank;
    memcpy(o->dims, dims, (size_t)rank * sizeof *dims);
    o->hint = false;
}

/* Window attributes of Conv and pools for `sp` spatial axes (1 or 2) with kernel k[]:
 * fills l's stride, dilation and padding and returns the output sizes in out[]. */
static int onx_window(onx_ctx *c, const Onnx__NodeProto *n, const int64_t *in, const int64_t *k,
                      int sp, bool dilations_ok, bool ceil_ok, int64_t *out, wl_layer *l)
{
    int64_t strides[2] = {1, 1}, dil[2] = {1, 1}, pads[4] = {0, 0, 0, 0}, tmp[16], ceil_mode;
    size_t cnt;
    bool has;
    char autopad[32];
    int rc;
    if ((rc = onx_attr_ints(c, n, "strides", sp, tmp, &cnt, &has)))
        return rc;
    for (size_t i = 0; i < cnt; i++)
        strides[i] = tmp[i];
    if ((rc = onx_attr_ints(c, n, "dilations", sp, tmp, &cnt, &has)))
        return rc;
    for (size_t i = 0; i < cnt; i++)
        dil[i] = tmp[i];
    if ((rc = onx_attr_ints(c, n, "pads", 2 * sp, tmp, &cnt, &has)))
        return rc;
    for (size_t i = 0; i < cnt; i++)
        pads[i] = tmp[i];
    if ((rc = onx_attr_str(c, n, "auto_pad", "NOTSET", autopad, sizeof autopad)) ||
        (rc = onx_attr_int(c, n, "ceil_mode", 0, &ceil_mode)))
        return rc;
    for (int i = 0; i < sp; i++) {
        if (strides[i] < 1 || strides[i] > (1 << 30))
            return onx_node_fail(c, n, "strides: %" PRId64 " is not in [1, 2^30]", strides[i]);
        if (dil[i] < 1 || dil[i] > (1 << 30))
            return onx_node_fail(c, n, "dilations: %" PRId64 " is not in [1, 2^30]", dil[i]);
        if (dil[i] != 1 && !dilations_ok)
            return onx_node_fail(c, n, "dilations other than 1 are not supported on pooling");
        if (pads[i] < 0 || pads[i + sp] < 0 || pads[i] > (1 << 30) || pads[i + sp] > (1 << 30))
            return onx_node_fail(c, n, "pads: %" PRId64 " is not in [0, 2^30]",
                                 pads[i] < 0 || pads[i] > (1 << 30) ? pads[i] : pads[i + sp]);
        if (k[i] < 1 || k[i] > (1 << 30))
            return onx_node_fail(c, n, "kernel size %" PRId64 " is not in [1, 2^30]", k[i]);
    }
    if (ceil_mode != 0 && ceil_mode != 1)
        return onx_node_fail(c, n, "ceil_mode must be 0 or 1, not %" PRId64, ceil_mode);
    if (ceil_mode && !ceil_ok)
        return onx_node_fail(c, n, "ceil_mode is not an attribute of this operator");
    bool same_upper = !strcmp(autopad, "SAME_UPPER"), same_lower = !strcmp(autopad, "SAME_LOWER");
    if (!same_upper && !same_lower && strcmp(autopad, "VALID") && strcmp(autopad, "NOTSET"))
        return onx_node_fail(c, n,
                             "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID",
                             autopad);
    if (strcmp(autopad, "NOTSET") && has)
        return onx_node_fail(c, n, "pads given together with auto_pad %s", autopad);
    for (int i = 0; i < sp; i++) {
        int64_t eff = dil[i] * (k[i] - 1) + 1, before = pads[i], after = pads[i + sp];
        if (same_upper || same_lower) {
            /* output ceil(in / stride); the odd padding element at the end (UPPER) or the
             * beginning (LOWER) */
            int64_t o = (in[i] + strides[i] - 1) / strides[i];
            int64_t total = (o - 1) * strides[i] + eff - in[i];
            if (total < 0)
                total = 0;
            before = same_upper ? total / 2 : total - total / 2;
            after = total - before;
        } else if (!strcmp(autopad, "VALID")) {
            before = after = 0;
        }
        int64_t padded = in[i] + before + after;
        if (padded < eff)
            return onx_node_fail(c, n,
                                 "input size %" PRId64 " plus padding is smaller than the "
                                 "kernel extent %" PRId64,
                                 in[i], eff);
        out[i] = (padded - eff) / strides[i] + 1;
        if (ceil_mode && (padded - eff) % strides[i]) {
            /* ceil mode: one more output; the window may start at most in the padding */
            after += strides[i] - (padded - eff) % strides[i];
            out[i]++;
        }
        uint32_t *pb = i == 0 && sp == 2 ? &l->pad_top : &l->pad_left;
        uint32_t *pa = i == 0 && sp == 2 ? &l->pad_bottom : &l->pad_right;
        *pb = onx_u32(before);
        *pa = onx_u32(after);
        if (i == 0 && sp == 2) {
            l->stride_h = onx_u32(strides[i]);
            l->dil_h = onx_u32(dil[i]);
        } else {
            l->stride_w = onx_u32(strides[i]);
            l->dil_w = onx_u32(dil[i]);
        }
    }
    return 0;
}

static int onx_conv(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io)
{
    int rc;
    if ((rc = onx_need_inputs(c, n, io, 2)))
        return rc;
    onx_tensor *x = io->in[0], *wt = io->in[1];
    if ((rc = onx_need_rank(c, n, x, "input", 3, 4)) ||
        (rc = onx_need_rank(c, n, wt, "weight", x->rank, x->rank)))
        return rc;
    int sp = x->rank - 2;
    int64_t group, in_sp[2] = {1, 1}, k[2] = {1, 1}, out_sp[2] = {1, 1}, ks[16];
    size_t cnt;
    bool has;
    if ((rc = onx_attr_int(c, n, "group", 1, &group)))
        return rc;
    if (group < 1 || group > x->dims[1])
        return onx_node_fail(c, n, "group %" PRId64 " is not in [1, %" PRId64 "]", group,
                             x->dims[1]);
    if (x->dims[1] % group || wt->dims[0] % group)
        return onx_node_fail(c, n,
                             "group %" PRId64 " does not divide the input channels (%" PRId64
                             ") and the filters (%" PRId64 ")",
                             group, x->dims[1], wt->dims[0]);
    if (wt->dims[1] * group != x->dims[1])
        return onx_node_fail(c, n,
                             "weight '%.100s' has %" PRId64 " channels per group; the input has %" PRId64
                             " channels in %" PRId64 " groups",
                             wt->name, wt->dims[1], x->dims[1], group);
    for (int i = 0; i < sp; i++) {
        in_sp[i] = x->dims[2 + i];
        k[i] = wt->dims[2 + i];
    }
    if ((rc = onx_attr_ints(c, n, "kernel_shape", sp, ks, &cnt, &has)))
        return rc;
    for (size_t i = 0; i < cnt; i++)
        if (ks[i] != k[i])
            return onx_node_fail(c, n,
                                 "kernel_shape %" PRId64 " differs from the weight's %" PRId64,
                                 ks[i], k[i]);
    if (io->nin > 2 && io->in[2] && (io->in[2]->rank != 1 || io->in[2]->dims[0] != wt->dims[0]))
        return onx_node_fail(c, n, "bias '%.100s' is not a vector of %" PRId64 " values",
                             io->in[2]->name, wt->dims[0]);
    wl_layer l;
    wl_layer_init(&l, WL_CONV, onx_node_name(n));
    if ((rc = onx_window(c, n, in_sp, k, sp, true, false, out_sp, &l)))
        return rc;
    l.batch = onx_u32(x->dims[0]);
    l.in_c = onx_u32(x->dims[1]);
    l.in_h = sp == 2 ? onx_u32(in_sp[0]) : 1;
    l.in_w = onx_u32(in_sp[sp - 1]);
    l.filt_r = sp == 2 ? onx_u32(k[0]) : 1;
    l.filt_s = onx_u32(k[sp - 1]);
    l.filters = onx_u32(wt->dims[0]);
    l.groups = onx_u32(group);
    int64_t od[4] = {x->dims[0], wt->dims[0], out_sp[0], out_sp[1]};
    onx_set_out(io->out[0], x->rank, od);
    return onx_push_layer(c, n, &l);
}

static int onx_pool(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io, bool global)
{
    int rc;
    if ((rc = onx_need_inputs(c, n, io, 1)))
        return rc;
    onx_tensor *x = io->in[0];
    if ((rc = onx_need_rank(c, n, x, "input", 3, 4)))
        return rc;
    int sp = x->rank - 2;
    int64_t in_sp[2] = {1, 1}, k[2] = {1, 1}, out_sp[2] = {1, 1}, ks[16];
    size_t cnt;
    bool has;
    for (int i = 0; i < sp; i++)
        in_sp[i] = x->dims[2 + i];
    wl_layer l;
    wl_layer_init(&l, WL_NOMAC, onx_node_name(n));
    l.nomac = WL_NOMAC_POOL;
    if (global) {
        for (int i = 0; i < sp; i++) {
            k[i] = in_sp[i];
            out_sp[i] = 1;
        }
    } else {
        if ((rc = onx_attr_ints(c, n, "kernel_shape", sp, ks, &cnt, &has)))
            return rc;
        if (!has)
            return onx_node_fail(c, n, "attribute 'kernel_shape' is missing");
        for (int i = 0; i < sp; i++)
            k[i] = ks[i];
        if ((rc = onx_window(c, n, in_sp, k, sp, strcmp(n->op_type, "MaxPool") == 0, true,
                             out_sp, &l)))
            return rc;
        if (l.dil_h != 1 || l.dil_w != 1)
            return onx_node_fail(c, n, "dilations other than 1 are not supported on pooling");
    }
    l.batch = onx_u32(x->dims[0]);
    l.in_c = onx_u32(x->dims[1]);
    l.in_h = sp == 2 ? onx_u32(in_sp[0]) : 1;
    l.in_w = onx_u32(in_sp[sp - 1]);
    l.filt_r = sp == 2 ? onx_u32(k[0]) : 1;
    l.filt_s = onx_u32(k[sp - 1]);
    int64_t od[4] = {x->dims[0], x->dims[1], out_sp[0], out_sp[1]};
    onx_set_out(io->out[0], x->rank, od);
    if (io->nout > 1 && io->out[1]) /* MaxPool's Indices */
        onx_set_out(io->out[1], x->rank, od);
    return onx_push_layer(c, n, &l);
}

/* A MAC layer C = A x B against weights: rows of A (all leading dims), K, N. fc when A is a
 * matrix whose rows are the images (tokens [batch, T, d] stay a gemm, even for T = 1). */
static int onx_gemm_layer(onx_ctx *c, const Onnx__NodeProto *n, int64_t rows, int64_t k,
                          int64_t ncols, bool matrix)
{
    wl_layer l;
    uint32_t per, batch;
    int64_t per64;
    onx_split_rows(c, rows, &per, &batch, &per64);
    if (matrix && per64 == 1 && batch == c->model_batch) {
        wl_layer_init(&l, WL_FC, onx_node_name(n));
        l.in_c = onx_u32(k);
        l.filters = onx_u32(ncols);
        l.batch = batch;
    } else {
        wl_layer_init(&l, WL_GEMM, onx_node_name(n));
        l.in_h = per;
        l.in_w = onx_u32(k);
        l.filters = onx_u32(ncols);
        l.batch = batch;
    }
    return onx_push_layer(c, n, &l);
}

static int onx_gemm(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io)
{
    int rc;
    int64_t ta, tb;
    if ((rc = onx_need_inputs(c, n, io, 2)) ||
        (rc = onx_need_rank(c, n, io->in[0], "input A", 2, 2)) ||
        (rc = onx_need_rank(c, n, io->in[1], "input B", 2, 2)) ||
        (rc = onx_attr_int(c, n, "transA", 0, &ta)) || (rc = onx_attr_int(c, n, "transB", 0, &tb)))
        return rc;
    const Onnx__AttributeProto *alpha = onx_attr(n, "alpha"), *beta = onx_attr(n, "beta");
    if ((alpha && !alpha->has_f) || (beta && !beta->has_f))
        return onx_node_fail(c, n, "attribute '%s' must be a float", alpha && !alpha->has_f ? "alpha" : "beta");
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1))
        return onx_node_fail(c, n, "transA and transB must be 0 or 1");
    const int64_t *a = io->in[0]->dims, *b = io->in[1]->dims;
    int64_t m = ta ? a[1] : a[0], ka = ta ? a[0] : a[1];
    int64_t kb = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
    if (ka != kb)
        return onx_node_fail(c, n, "inner dimensions differ: A gives K = %" PRId64 ", B gives %" PRId64,
                             ka, kb);
    if (io->nin > 2 && io->in[2]) {
        const onx_tensor *ct = io->in[2];
        int64_t want[2] = {m, nn};
        if (ct->rank > 2)
            return onx_node_fail(c, n, "input C has rank %d, expected at most 2", ct->rank);
        for (int i = 0; i < ct->rank; i++) {
            int64_t d = ct->dims[ct->rank - 1 - i], w = want[1 - i];
            if (d != 1 && d != w)
                return onx_node_fail(c, n, "input C does not broadcast to %" PRId64 " x %" PRId64,
                                     m, nn);
        }
    }
    int64_t od[2] = {m, nn};
    onx_set_out(io->out[0], 2, od);
    return onx_gemm_layer(c, n, m, ka, nn, true);
}

/* Broadcast of two shapes (numpy rules) into out; false when they do not broadcast. */
static bool onx_broadcast(const int64_t *a, int ra, const int64_t *b, int rb, int64_t *out,
                          int *rout)
{
    int r = ra > rb ? ra : rb;
    for (int i = 0; i < r; i++) {
        int64_t da = i < r - ra ? 1 : a[i - (r - ra)];
        int64_t db = i < r - rb ? 1 : b[i - (r - rb)];
        if (da != db && da != 1 && db != 1)
            return false;
        out[i] = da == 1 ? db : da;
    }
    *rout = r;
    return true;
}

static int onx_matmul(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io)
{
    int rc;
    if ((rc = onx_need_inputs(c, n, io, 2)) ||
        (rc = onx_need_rank(c, n, io->in[0], "input A", 1, ONX_RANK_MAX)) ||
        (rc = onx_need_rank(c, n, io->in[1], "input B", 1, ONX_RANK_MAX)))
        return rc;
    const onx_tensor *a = io->in[0], *b = io->in[1];
    int64_t ad[ONX_RANK_MAX + 1], bd[ONX_RANK_MAX + 1], batch[ONX_RANK_MAX], od[ONX_RANK_MAX + 1];
    int ra = a->rank, rb = b->rank, rbatch;
    memcpy(ad, a->dims, (size_t)ra * sizeof *ad);
    memcpy(bd, b->dims, (size_t)rb * sizeof *bd);
    bool a_vec = ra == 1, b_vec = rb == 1;
    if (a_vec) { /* [K] -> [1, K] */
        ad[1] = ad[0];
        ad[0] = 1;
        ra = 2;
    }
    if (b_vec) { /* [K] -> [K, 1] */
        bd[1] = 1;
        rb = 2;
    }
    int64_t m = ad[ra - 2], k = ad[ra - 1], kb = bd[rb - 2], nn = bd[rb - 1];
    if (k != kb)
        return onx_node_fail(c, n, "inner dimensions differ: A has K = %" PRId64 ", B has %" PRId64,
                             k, kb);
    if (!onx_broadcast(ad, ra - 2, bd, rb - 2, batch, &rbatch))
        return onx_node_fail(c, n, "batch dimensions of A and B do not broadcast");
    int ro = 0;
    for (int i = 0; i < rbatch; i++)
        od[ro++] = batch[i];
    if (!a_vec)
        od[ro++] = m;
    if (!b_vec)
        od[ro++] = nn;
    if (ro > ONX_RANK_MAX)
        return onx_node_fail(c, n, "output rank %d is above %d", ro, ONX_RANK_MAX);
    onx_set_out(io->out[0], ro, od);
    int64_t bprod = 1, rows;
    bool b_batched = false;
    for (int i = 0; i < rb - 2; i++)
        b_batched |= bd[i] != 1;
    for (int i = 0; i < rbatch; i++)
        bprod *= batch[i];
    if (__builtin_mul_overflow(bprod, m, &rows) || rows > ONX_ELEMS_MAX)
        return onx_node_fail(c, n, "too many rows");
    if (b->is_const && !b_batched) /* A's rows against one weight matrix */
        return onx_gemm_layer(c, n, rows, k, nn, a->rank <= 2);
    /* two activations (or batched constants): bprod independent products, the leading batch
     * dimension the images when it is the model batch, the rest heads */
    int64_t images = 1, heads = bprod;
    if (rbatch > 0 && batch[0] == c->model_batch) {
        images = batch[0];
        heads = bprod / images;
    }
    wl_layer l;
    wl_layer_init(&l, WL_MATMUL, onx_node_name(n));
    l.in_h = onx_u32(m);
    l.mm_n = onx_u32(nn);
    l.mm_k = onx_u32(k);
    l.heads = onx_u32(heads);
    l.batch = onx_u32(images);
    return onx_push_layer(c, n, &l);
}

/* ---------- MAC-free operators ---------- */

enum {
    ONX_SAME,   /* output shape = input 0 */
    ONX_BCAST,  /* numpy broadcast of all inputs */
    ONX_CONCAT,
    ONX_FLATTEN,
    ONX_RESHAPE,
    ONX_TRANSPOSE,
    ONX_SQUEEZE,
    ONX_UNSQUEEZE,
    ONX_REDUCE,
    ONX_ALIAS, /* Identity, Dropout: no layer */
    ONX_GATHER,
    ONX_SLICE,
    ONX_EXPAND,
    ONX_PAD,
    ONX_CONST_OF_SHAPE, /* always a constant: no layer */
};

typedef struct onx_op {
    const char *name;
    int kind;
    wl_nomac nomac; /* the kind of layer it becomes */
} onx_op;

static const onx_op onx_ops[] = {
    {"Relu", ONX_SAME, WL_NOMAC_ELTWISE}, {"LeakyRelu", ONX_SAME, WL_NOMAC_ELTWISE},
    {"PRelu", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Sigmoid", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Tanh", ONX_SAME, WL_NOMAC_ELTWISE}, {"Clip", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Softmax", ONX_SAME, WL_NOMAC_SOFTMAX}, {"LogSoftmax", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Erf", ONX_SAME, WL_NOMAC_ELTWISE}, {"Gelu", ONX_SAME, WL_NOMAC_GELU},
    {"Sqrt", ONX_SAME, WL_NOMAC_ELTWISE}, {"Exp", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Log", ONX_SAME, WL_NOMAC_ELTWISE}, {"Neg", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Abs", ONX_SAME, WL_NOMAC_ELTWISE}, {"Reciprocal", ONX_SAME, WL_NOMAC_ELTWISE},
    {"HardSigmoid", ONX_SAME, WL_NOMAC_ELTWISE}, {"HardSwish", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Elu", ONX_SAME, WL_NOMAC_ELTWISE}, {"Selu", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Softplus", ONX_SAME, WL_NOMAC_ELTWISE}, {"Cast", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Floor", ONX_SAME, WL_NOMAC_ELTWISE}, {"Ceil", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Round", ONX_SAME, WL_NOMAC_ELTWISE}, {"Sign", ONX_SAME, WL_NOMAC_ELTWISE},
    {"Not", ONX_SAME, WL_NOMAC_ELTWISE}, {"BatchNormalization", ONX_SAME, WL_NOMAC_ELTWISE},
    {"LayerNormalization", ONX_SAME, WL_NOMAC_LAYERNORM}, {"InstanceNormalization", ONX_SAME, WL_NOMAC_ELTWISE},
    {"LRN", ONX_SAME, WL_NOMAC_ELTWISE}, {"Add", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Sub", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Mul", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Div", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Pow", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Max", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Min", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Sum", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Mean", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Where", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Equal", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Less", ONX_BCAST, WL_NOMAC_ELTWISE}, {"Greater", ONX_BCAST, WL_NOMAC_ELTWISE},
    {"Concat", ONX_CONCAT, WL_NOMAC_ELTWISE}, {"Flatten", ONX_FLATTEN, WL_NOMAC_ELTWISE},
    {"Reshape", ONX_RESHAPE, WL_NOMAC_ELTWISE}, {"Transpose", ONX_TRANSPOSE, WL_NOMAC_ELTWISE},
    {"Squeeze", ONX_SQUEEZE, WL_NOMAC_ELTWISE}, {"Unsqueeze", ONX_UNSQUEEZE, WL_NOMAC_ELTWISE},
    {"ReduceMean", ONX_REDUCE, WL_NOMAC_ELTWISE}, {"ReduceSum", ONX_REDUCE, WL_NOMAC_ELTWISE},
    {"ReduceMax", ONX_REDUCE, WL_NOMAC_ELTWISE}, {"ReduceMin", ONX_REDUCE, WL_NOMAC_ELTWISE},
    {"Identity", ONX_ALIAS, WL_NOMAC_ELTWISE}, {"Dropout", ONX_ALIAS, WL_NOMAC_ELTWISE},
    {"Gather", ONX_GATHER, WL_NOMAC_ELTWISE}, {"Slice", ONX_SLICE, WL_NOMAC_ELTWISE},
    {"Expand", ONX_EXPAND, WL_NOMAC_ELTWISE}, {"Pad", ONX_PAD, WL_NOMAC_ELTWISE},
    {"ConstantOfShape", ONX_CONST_OF_SHAPE, WL_NOMAC_ELTWISE},
};

/* The values of constant input idx (a small int64/int32 constant), at most max of them. */
static int onx_const_ints(onx_ctx *c, const Onnx__NodeProto *n, const onx_node_io *io, size_t idx,
                          const char *what, int64_t *vals, size_t max, size_t *count)
{
    if (idx >= io->nin || !io->in[idx])
        return onx_node_fail(c, n, "input %zu (%s) is missing", idx, what);
    const onx_tensor *t = io->in[idx];
    if (!t->has_vals)
        return onx_node_fail(c, n, "%s input '%.100s' is not a constant", what, t->name);
    if (t->nvals > max)
        return onx_node_fail(c, n, "%s has %zu values, more than %zu", what, t->nvals, max);
    memcpy(vals, t->vals, t->nvals * sizeof *vals);
    *count = t->nvals;
    return 0;
}

/* Axes from the attribute or (opset 13+) a constant second input. */
static int onx_axes(onx_ctx *c, const Onnx__NodeProto *n, const onx_node_io *io, int64_t *axes,
                    size_t *count, bool *present)
{
    int rc = onx_attr_ints(c, n, "axes", -1, axes, count, present);
    if (rc || *present)
        return rc;
    if (io->nin > 1 && io->in[1]) {
        if (!io->in[1]->has_vals)
            return onx_node_fail(c, n, "axes input '%.100s' is not a constant", io->in[1]->name);
        if (io->in[1]->nvals > 2 * ONX_RANK_MAX)
            return onx_node_fail(c, n, "too many axes");
        memcpy(axes, io->in[1]->vals, io->in[1]->nvals * sizeof *axes);
        *count = io->in[1]->nvals;
        *present = true;
    }
    return 0;
}

static int onx_axis(onx_ctx *c, const Onnx__NodeProto *n, int64_t axis, int rank, int *out)
{
    if (axis < -rank || axis >= rank)
        return onx_node_fail(c, n, "axis %" PRId64 " is outside [-%d, %d)", axis, rank, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return 0;
}

static int onx_nomac_shape(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io, int kind,
                           int *rank, int64_t *dims)
{
    const onx_tensor *x = io->in[0];
    int rc;
    switch (kind) {
    case ONX_SAME:
    case ONX_ALIAS:
        *rank = x->rank;
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
        return 0;
    case ONX_BCAST:
        *rank = x->rank;
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
        for (size_t i = 1; i < io->nin; i++) {
            if (!io->in[i])
                continue;
            int64_t tmp[ONX_RANK_MAX];
            int r;
            if (!onx_broadcast(dims, *rank, io->in[i]->dims, io->in[i]->rank, tmp, &r))
                return onx_node_fail(c, n, "input '%.100s' does not broadcast with input 0",
                                     io->in[i]->name);
            *rank = r;
            memcpy(dims, tmp, (size_t)r * sizeof *dims);
        }
        return 0;
    case ONX_CONCAT: {
        int64_t axis;
        int ax = 0;
        if ((rc = onx_attr_int(c, n, "axis", INT64_MIN, &axis)))
            return rc;
        if (axis == INT64_MIN)
            return onx_node_fail(c, n, "attribute 'axis' is missing");
        if ((rc = onx_axis(c, n, axis, x->rank, &ax)))
            return rc;
        *rank = x->rank;
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
        for (size_t i = 1; i < io->nin; i++) {
            const onx_tensor *t = io->in[i];
            if (!t)
                continue;
            if (t->rank != x->rank)
                return onx_node_fail(c, n, "input '%.100s' has rank %d, input 0 has %d", t->name,
                                     t->rank, x->rank);
            for (int d = 0; d < x->rank; d++)
                if (d != ax && t->dims[d] != x->dims[d])
                    return onx_node_fail(c, n,
                                         "input '%.100s' differs from input 0 in dimension %d",
                                         t->name, d);
            dims[ax] += t->dims[ax];
        }
        return 0;
    }
    case ONX_FLATTEN: {
        int64_t axis, lo = 1, hi = 1;
        if ((rc = onx_attr_int(c, n, "axis", 1, &axis)))
            return rc;
        if (axis < -x->rank || axis > x->rank)
            return onx_node_fail(c, n, "axis %" PRId64 " is outside [-%d, %d]", axis, x->rank,
                                 x->rank);
        if (axis < 0)
            axis += x->rank;
        for (int d = 0; d < x->rank; d++)
            *(d < axis ? &lo : &hi) *= x->dims[d];
        *rank = 2;
        dims[0] = lo;
        dims[1] = hi;
        return 0;
    }
    case ONX_RESHAPE: {
        if ((rc = onx_need_inputs(c, n, io, 2)))
            return rc;
        const onx_tensor *s = io->in[1];
        if (!s->has_vals)
            return onx_node_fail(c, n, "shape input '%.100s' is not a constant", s->name);
        if (s->nvals > ONX_RANK_MAX)
            return onx_node_fail(c, n, "target rank %zu is above %d", s->nvals, ONX_RANK_MAX);
        int64_t in_e = 0, known = 1;
        int infer = -1;
        onx_elems(x, &in_e);
        for (size_t i = 0; i < s->nvals; i++) {
            int64_t v = s->vals[i];
            if (v == 0) {
                if ((int)i >= x->rank)
                    return onx_node_fail(c, n, "shape[%zu] = 0 copies a dimension the input "
                                               "does not have", i);
                v = x->dims[i];
            } else if (v == -1) {
                if (infer >= 0)
                    return onx_node_fail(c, n, "more than one -1 in the shape");
                infer = (int)i;
                v = 1;
            } else if (v < 0) {
                return onx_node_fail(c, n, "shape[%zu] = %" PRId64 " is negative", i, v);
            }
            dims[i] = v;
            if (__builtin_mul_overflow(known, v, &known) || known > ONX_ELEMS_MAX)
                return onx_node_fail(c, n, "shape has too many elements");
        }
        if (infer >= 0) {
            if (known == 0 || in_e % known)
                return onx_node_fail(c, n, "cannot infer the -1 dimension: %" PRId64
                                           " elements into groups of %" PRId64, in_e, known);
            dims[infer] = in_e / known;
        } else if (known != in_e) {
            return onx_node_fail(c, n, "shape has %" PRId64 " elements, the input %" PRId64,
                                 known, in_e);
        }
        *rank = (int)s->nvals;
        return 0;
    }
    case ONX_TRANSPOSE: {
        int64_t perm[2 * ONX_RANK_MAX];
        size_t cnt;
        bool has, seen[ONX_RANK_MAX] = {false};
        if ((rc = onx_attr_ints(c, n, "perm", -1, perm, &cnt, &has)))
            return rc;
        if (!has) {
            cnt = (size_t)x->rank;
            for (int d = 0; d < x->rank; d++)
                perm[d] = x->rank - 1 - d;
        }
        if (cnt != (size_t)x->rank)
            return onx_node_fail(c, n, "perm has %zu values, the input rank is %d", cnt,
                                 x->rank);
        for (size_t d = 0; d < cnt; d++) {
            if (perm[d] < 0 || perm[d] >= x->rank || seen[perm[d]])
                return onx_node_fail(c, n, "perm is not a permutation of 0..%d", x->rank - 1);
            seen[perm[d]] = true;
            dims[d] = x->dims[perm[d]];
        }
        *rank = x->rank;
        return 0;
    }
    case ONX_SQUEEZE:
    case ONX_UNSQUEEZE:
    case ONX_REDUCE: {
        int64_t axes[2 * ONX_RANK_MAX], keep = 1;
        size_t cnt;
        bool has, mark[2 * ONX_RANK_MAX] = {false};
        if ((rc = onx_axes(c, n, io, axes, &cnt, &has)))
            return rc;
        int orank = kind == ONX_UNSQUEEZE ? x->rank + (int)cnt : x->rank;
        if (kind == ONX_UNSQUEEZE && !has)
            return onx_node_fail(c, n, "axes are missing");
        if (orank > ONX_RANK_MAX)
            return onx_node_fail(c, n, "output rank %d is above %d", orank, ONX_RANK_MAX);
        if (kind == ONX_REDUCE && (rc = onx_attr_int(c, n, "keepdims", 1, &keep)))
            return rc;
        for (size_t i = 0; i < cnt; i++) {
            int ax = 0;
            if ((rc = onx_axis(c, n, axes[i], orank, &ax)))
                return rc;
            if (mark[ax])
                return onx_node_fail(c, n, "axis %d given twice", ax);
            mark[ax] = true;
        }
        *rank = 0;
        if (kind == ONX_UNSQUEEZE) {
            for (int d = 0, s = 0; d < orank; d++)
                dims[(*rank)++] = mark[d] ? 1 : x->dims[s++];
            return 0;
        }
        for (int d = 0; d < x->rank; d++) {
            bool drop = has ? mark[d] : (kind == ONX_REDUCE || x->dims[d] == 1);
            if (kind == ONX_SQUEEZE && drop && x->dims[d] != 1)
                return onx_node_fail(c, n, "cannot squeeze dimension %d of size %" PRId64, d,
                                     x->dims[d]);
            if (!drop)
                dims[(*rank)++] = x->dims[d];
            else if (kind == ONX_REDUCE && keep)
                dims[(*rank)++] = 1;
        }
        return 0;
    }
    case ONX_GATHER: {
        int64_t axis;
        int ax = 0;
        if ((rc = onx_need_inputs(c, n, io, 2)) || (rc = onx_attr_int(c, n, "axis", 0, &axis)) ||
            (rc = onx_axis(c, n, axis, x->rank, &ax)))
            return rc;
        const onx_tensor *ix = io->in[1];
        if (x->rank + ix->rank - 1 > ONX_RANK_MAX)
            return onx_node_fail(c, n, "output rank %d is above %d", x->rank + ix->rank - 1,
                                 ONX_RANK_MAX);
        *rank = 0;
        for (int d = 0; d < x->rank; d++) {
            if (d != ax) {
                dims[(*rank)++] = x->dims[d];
                continue;
            }
            for (int e = 0; e < ix->rank; e++)
                dims[(*rank)++] = ix->dims[e];
        }
        return 0;
    }
    case ONX_SLICE: {
        int64_t st[ONX_RANK_MAX], en[ONX_RANK_MAX], ax[ONX_RANK_MAX], sp[ONX_RANK_MAX];
        size_t ns = 0, ne = 0, na = 0, np = 0;
        if ((rc = onx_const_ints(c, n, io, 1, "starts", st, ONX_RANK_MAX, &ns)) ||
            (rc = onx_const_ints(c, n, io, 2, "ends", en, ONX_RANK_MAX, &ne)))
            return rc;
        if (io->nin > 3 && io->in[3] &&
            (rc = onx_const_ints(c, n, io, 3, "axes", ax, ONX_RANK_MAX, &na)))
            return rc;
        if (io->nin > 4 && io->in[4] &&
            (rc = onx_const_ints(c, n, io, 4, "steps", sp, ONX_RANK_MAX, &np)))
            return rc;
        if (ne != ns || (na && na != ns) || (np && np != ns) || (!na && ns > (size_t)x->rank))
            return onx_node_fail(c, n, "starts, ends, axes and steps differ in length");
        *rank = x->rank;
        memcpy(dims, x->dims, (size_t)x->rank * sizeof *dims);
        for (size_t i = 0; i < ns; i++) {
            int a = (int)i;
            if (na && (rc = onx_axis(c, n, ax[i], x->rank, &a)))
                return rc;
            int64_t step = np ? sp[i] : 1, d = x->dims[a];
            if (step == 0 || step == INT64_MIN)
                return onx_node_fail(c, n, "steps[%zu] is not valid", i);
            /* ONNX: negative indices count from the end; clamp to [0, d] ([-1, d-1] going
             * backwards); the size is ceil((end - start) / step), at least 0 */
            int64_t b = st[i], e = en[i];
            b = b < -d ? -d - 1 : b < 0 ? b + d : b;
            e = e < -d ? -d - 1 : e < 0 ? e + d : e;
            int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? d : d - 1;
            b = b < lo ? lo : b > hi ? hi : b;
            e = e < lo ? lo : e > hi ? hi : e;
            int64_t len = step > 0 ? (e - b + step - 1) / step : (b - e - step - 1) / -step;
            dims[a] = len > 0 ? len : 0;
        }
        return 0;
    }
    case ONX_EXPAND: {
        int64_t shape[ONX_RANK_MAX];
        size_t ns = 0;
        if ((rc = onx_const_ints(c, n, io, 1, "shape", shape, ONX_RANK_MAX, &ns)))
            return rc;
        if (!onx_broadcast(x->dims, x->rank, shape, (int)ns, dims, rank))
            return onx_node_fail(c, n, "the input does not broadcast to the shape");
        return 0;
    }
    case ONX_PAD: {
        int64_t pads[2 * ONX_RANK_MAX];
        size_t np = 0;
        bool has;
        if ((rc = onx_attr_ints(c, n, "pads", -1, pads, &np, &has)))
            return rc;
        if (!has && (rc = onx_const_ints(c, n, io, 1, "pads", pads, 2 * ONX_RANK_MAX, &np)))
            return rc;
        if (np != 2 * (size_t)x->rank)
            return onx_node_fail(c, n, "pads has %zu values, expected %d", np, 2 * x->rank);
        *rank = x->rank;
        for (int d = 0; d < x->rank; d++)
            if (__builtin_add_overflow(x->dims[d], pads[d], &dims[d]) ||
                __builtin_add_overflow(dims[d], pads[d + x->rank], &dims[d]))
                return onx_node_fail(c, n, "pads overflow");
        return 0;
    }
    case ONX_CONST_OF_SHAPE: {
        size_t ns = 0;
        if ((rc = onx_const_ints(c, n, io, 0, "shape", dims, ONX_RANK_MAX, &ns)))
            return rc;
        *rank = (int)ns;
        return 0;
    }
    }
    return onx_node_fail(c, n, "internal: unknown operator class");
}

/* Values of a small integer constant computed from constants (shape arithmetic as exporters
 * write it: Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Leaves out without values when
 * the operator or the operands are not of that kind. */
static void onx_fold_values(const Onnx__NodeProto *n, const onx_node_io *io, int kind,
                            onx_tensor *out)
{
    const onx_tensor *x = io->in[0];
    int64_t count = 0, v[ONX_CONST_VALUES_MAX];
    const char *op = n->op_type;
    if (!onx_elems(out, &count) || count > ONX_CONST_VALUES_MAX)
        return;
    switch (kind) {
    case ONX_SAME:
    case ONX_RESHAPE:
    case ONX_FLATTEN:
    case ONX_SQUEEZE:
    case ONX_UNSQUEEZE:
        if (!x->has_vals || x->nvals != (size_t)count || (kind == ONX_SAME && strcmp(op, "Cast")))
            return;
        memcpy(v, x->vals, x->nvals * sizeof *v);
        break;
    case ONX_CONCAT: {
        size_t k = 0;
        for (size_t i = 0; i < io->nin; i++) {
            if (!io->in[i])
                continue;
            if (!io->in[i]->has_vals || io->in[i]->rank > 1 ||
                k + io->in[i]->nvals > (size_t)count)
                return;
            memcpy(v + k, io->in[i]->vals, io->in[i]->nvals * sizeof *v);
            k += io->in[i]->nvals;
        }
        if (k != (size_t)count)
            return;
        break;
    }
    case ONX_GATHER:
        if (!x->has_vals || x->rank != 1 || !io->in[1]->has_vals ||
            io->in[1]->nvals != (size_t)count)
            return;
        for (int64_t i = 0; i < count; i++) {
            int64_t ix = io->in[1]->vals[i];
            ix = ix < 0 ? ix + (int64_t)x->nvals : ix;
            if (ix < 0 || ix >= (int64_t)x->nvals)
                return;
            v[i] = x->vals[ix];
        }
        break;
    case ONX_BCAST: {
        bool add = !strcmp(op, "Add"), sub = !strcmp(op, "Sub"), mul = !strcmp(op, "Mul"),
             div = !strcmp(op, "Div");
        const onx_tensor *y = io->nin > 1 ? io->in[1] : NULL;
        if (!(add || sub || mul || div) || io->nin != 2 || !y || !x->has_vals || !y->has_vals ||
            (x->nvals != (size_t)count && x->nvals != 1) ||
            (y->nvals != (size_t)count && y->nvals != 1))
            return;
        for (int64_t i = 0; i < count; i++) {
            int64_t a = x->vals[x->nvals == 1 ? 0 : i], b = y->vals[y->nvals == 1 ? 0 : i], r = 0;
            if ((add && __builtin_add_overflow(a, b, &r)) ||
                (sub && __builtin_sub_overflow(a, b, &r)) ||
                (mul && __builtin_mul_overflow(a, b, &r)) ||
                (div && (b == 0 || (a == INT64_MIN && b == -1))))
                return;
            if (div)
                r = a / b;
            v[i] = r;
        }
        break;
    }
    default:
        return;
    }
    memcpy(out->vals, v, (size_t)count * sizeof *v);
    out->nvals = (size_t)count;
    out->has_vals = true;
}

static int onx_nomac(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io, int kind,
                     wl_nomac nomac)
{
    int rank = 0, rc;
    int64_t dims[ONX_RANK_MAX];
    if ((rc = onx_need_inputs(c, n, io, 1)) ||
        (rc = onx_nomac_shape(c, n, io, kind, &rank, dims)))
        return rc;
    if (!io->out[0])
        return 0;
    onx_set_out(io->out[0], rank, dims);
    if ((rc = onx_check_dims(c, "output", io->out[0]->name, io->out[0])))
        return rc;
    for (size_t i = 1; i < io->nout; i++) /* extra outputs (BatchNorm stats, Dropout mask) */
        if (io->out[i])
            onx_set_out(io->out[i], rank, dims);
    if (kind == ONX_ALIAS) {
        io->out[0]->layer = io->in[0]->layer;
        io->out[0]->is_const = io->in[0]->is_const;
        return 0;
    }
    bool all_const = true;
    for (size_t i = 0; i < io->nin; i++)
        all_const &= !io->in[i] || io->in[i]->is_const;
    if (all_const || kind == ONX_CONST_OF_SHAPE) {
        /* from constants (a transposed weight, a computed shape): no layer */
        io->out[0]->is_const = true;
        onx_fold_values(n, io, kind, io->out[0]);
        return 0;
    }
    wl_layer l;
    wl_layer_init(&l, WL_NOMAC, onx_node_name(n));
    l.nomac = nomac;
    onx_shape_layer(c, kind == ONX_REDUCE ? io->in[0] : io->out[0], &l);
    return onx_push_layer(c, n, &l);
}

/* Split: sizes from the constant second input (opset 13+), the 'split' attribute, or equal
 * parts; one layer with the input's shape produces every part. */
static int onx_split(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io)
{
    int64_t axis, sizes[ONX_CONST_VALUES_MAX], total = 0;
    size_t ns = 0;
    bool has;
    int ax = 0, rc;
    if ((rc = onx_need_inputs(c, n, io, 1)) || (rc = onx_attr_int(c, n, "axis", 0, &axis)) ||
        (rc = onx_axis(c, n, axis, io->in[0]->rank, &ax)))
        return rc;
    const onx_tensor *x = io->in[0];
    if (n->n_output > ONX_CONST_VALUES_MAX)
        return onx_node_fail(c, n, "%zu outputs, more than %d", n->n_output,
                             ONX_CONST_VALUES_MAX);
    if (io->nin > 1 && io->in[1]) {
        if ((rc = onx_const_ints(c, n, io, 1, "split", sizes, ONX_CONST_VALUES_MAX, &ns)))
            return rc;
    } else {
        const Onnx__AttributeProto *a = onx_attr(n, "split");
        if (a && (!a->n_ints || a->n_ints > ONX_CONST_VALUES_MAX))
            return onx_node_fail(c, n, "attribute 'split' must be 1 to %d integers",
                                 ONX_CONST_VALUES_MAX);
        if (a) {
            ns = a->n_ints;
            memcpy(sizes, a->ints, ns * sizeof *sizes);
        }
    }
    has = ns > 0;
    if (!has) { /* equal parts */
        ns = n->n_output;
        if (x->dims[ax] % (int64_t)ns)
            return onx_node_fail(c, n, "dimension %d (%" PRId64 ") does not split into %zu "
                                       "equal parts", ax, x->dims[ax], ns);
        for (size_t i = 0; i < ns; i++)
            sizes[i] = x->dims[ax] / (int64_t)ns;
    }
    if (ns != n->n_output)
        return onx_node_fail(c, n, "%zu split sizes for %zu outputs", ns, n->n_output);
    for (size_t i = 0; i < ns; i++) {
        if (sizes[i] < 1 || sizes[i] > ONX_DIM_MAX)
            return onx_node_fail(c, n, "split size %" PRId64 " is not positive", sizes[i]);
        total += sizes[i];
    }
    if (total != x->dims[ax])
        return onx_node_fail(c, n, "split sizes add up to %" PRId64 ", dimension %d is %" PRId64,
                             total, ax, x->dims[ax]);
    for (size_t i = 0; i < n->n_output; i++) {
        onx_tensor *o = n->output[i][0] ? onx_find(c, n->output[i]) : NULL;
        if (!o)
            continue;
        onx_set_out(o, x->rank, x->dims);
        o->dims[ax] = sizes[i];
        o->is_const = x->is_const;
    }
    if (x->is_const)
        return 0;
    wl_layer l;
    wl_layer_init(&l, WL_NOMAC, onx_node_name(n));
    l.nomac = WL_NOMAC_ELTWISE;
    onx_shape_layer(c, x, &l);
    return onx_push_layer(c, n, &l);
}

/* ---------- driver ---------- */

static int onx_node(onx_ctx *c, const Onnx__NodeProto *n, onx_node_io *io)
{
    const char *op = n->op_type ? n->op_type : "";
    if (n->domain && !strcmp(n->domain, "com.microsoft")) { /* ONNX Runtime's fused GELUs */
        if (!strcmp(op, "Gelu") || !strcmp(op, "FastGelu") || !strcmp(op, "BiasGelu") ||
            !strcmp(op, "QuickGelu"))
            return onx_nomac(c, n, io, ONX_SAME, WL_NOMAC_GELU);
        goto unknown;
    }
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx"))
        goto unknown;
    if (!strcmp(op, "Split"))
        return onx_split(c, n, io);
    if (!strcmp(op, "Conv"))
        return onx_conv(c, n, io);
    if (!strcmp(op, "Gemm"))
        return onx_gemm(c, n, io);
    if (!strcmp(op, "MatMul"))
        return onx_matmul(c, n, io);
    if (!strcmp(op, "MaxPool") || !strcmp(op, "AveragePool") || !strcmp(op, "LpPool"))
        return onx_pool(c, n, io, false);
    if (!strcmp(op, "GlobalAveragePool") || !strcmp(op, "GlobalMaxPool"))
        return onx_pool(c, n, io, true);
    if (!strcmp(op, "Constant")) {
        const Onnx__AttributeProto *v = onx_attr(n, "value");
        if (!v || !v->t)
            return onx_node_fail(c, n, "attribute 'value' (a tensor) is missing");
        if (!io->out[0])
            return 0;
        return onx_from_tensor(c, v->t, "Constant", io->out[0]);
    }
    if (!strcmp(op, "Shape")) {
        int rc = onx_need_inputs(c, n, io, 1);
        if (rc || !io->out[0])
            return rc;
        io->out[0]->rank = 1;
        io->out[0]->dims[0] = io->in[0]->rank > 0 ? io->in[0]->rank : 1;
        io->out[0]->is_const = true;
        io->out[0]->has_vals = io->in[0]->rank > 0;
        io->out[0]->nvals = (size_t)(io->in[0]->rank > 0 ? io->in[0]->rank : 0);
        memcpy(io->out[0]->vals, io->in[0]->dims, io->out[0]->nvals * sizeof(int64_t));
        io->out[0]->hint = false;
        return 0;
    }
    for (size_t i = 0; i < sizeof onx_ops / sizeof onx_ops[0]; i++)
        if (!strcmp(op, onx_ops[i].name))
            return onx_nomac(c, n, io, onx_ops[i].kind, onx_ops[i].nomac);
unknown:
    /* unknown operator: listed without MACs when value_info gives its output shapes */
    for (size_t i = 0; i < io->nout; i++)
        if (io->out[i] && !io->out[i]->hint)
            return onx_node_fail(c, n,
                                 "unsupported operator (and no value_info shape for its output "
                                 "'%.100s')",
                                 io->out[i]->name);
    if (!io->nout || !io->out[0])
        return onx_node_fail(c, n, "unsupported operator without outputs");
    if (c->opts->warn)
        fprintf(c->opts->warn,
                "%s: warning: node '%.100s' (%.40s): unsupported operator, listed without MACs "
                "with the output shape from value_info\n",
                c->file, onx_node_name(n), op);
    for (size_t i = 0; i < io->nout; i++)
        if (io->out[i])
            io->out[i]->hint = false;
    wl_layer l;
    wl_layer_init(&l, WL_NOMAC, onx_node_name(n));
    l.nomac = WL_NOMAC_ELTWISE;
    onx_shape_layer(c, io->out[0], &l);
    return onx_push_layer(c, n, &l);
}

/* Adds the tensor that graph list `what` declares at index i (it must have a name). */
static int onx_declare(onx_ctx *c, const char *name, const char *what, size_t i,
                       onx_tensor **t, bool *existed)
{
    if (!name || !name[0])
        return onx_fail(c, "%s[%zu]: no name", what, i);
    *t = onx_add(c, name, existed);
    return *t ? 0 : onx_oom(c);
}

static int onx_tensors(onx_ctx *c)
{
    Onnx__GraphProto *g = c->graph;
    bool existed;
    int rc;
    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *tp = g->initializer[i];
        onx_tensor *t = NULL;
        if ((rc = onx_declare(c, tp->name, "graph.initializer", i, &t, &existed)))
            return rc;
        if (existed)
            return onx_fail(c, "graph.initializer '%.100s': given twice", tp->name);
        if ((rc = onx_from_tensor(c, tp, "graph.initializer", t)))
            return rc;
    }
    c->model_batch = 0;
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        onx_tensor *t = NULL;
        if ((rc = onx_declare(c, vi->name, "graph.input", i, &t, &existed)))
            return rc;
        if (existed && t->is_const)
            continue; /* an initializer listed as an input (IR version < 4) */
        if (existed)
            return onx_fail(c, "graph.input '%.100s': given twice", vi->name);
        if ((rc = onx_value_shape(c, vi, "graph.input", true, c->opts->batch_override, t)))
            return rc;
        if (!c->model_batch)
            c->model_batch = t->rank > 0 ? t->dims[0] : 1;
    }
    if (!c->model_batch)
        c->model_batch = 1;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        for (size_t j = 0; j < n->n_output; j++) {
            if (!n->output[j][0])
                continue;
            onx_tensor *t = onx_add(c, n->output[j], &existed);
            if (!t)
                return onx_oom(c);
            if (existed)
                return onx_node_fail(c, n, "output '%.100s' is also %s", n->output[j],
                                     t->producer >= 0 ? "the output of another node"
                                                      : "a graph input or initializer");
            t->producer = (long)i;
        }
    }
    /* shape hints: value_info and graph outputs, for tensors some node produces */
    for (size_t pass = 0; pass < 2; pass++) {
        size_t cnt = pass ? g->n_output : g->n_value_info;
        Onnx__ValueInfoProto **vis = pass ? g->output : g->value_info;
        for (size_t i = 0; i < cnt; i++) {
            onx_tensor *t = vis[i]->name ? onx_find(c, vis[i]->name) : NULL;
            if (!t) {
                if (pass)
                    return onx_fail(c, "graph.output '%.100s': no node produces it",
                                    vis[i]->name ? vis[i]->name : "");
                continue;
            }
            if (t->producer < 0 || t->rank >= 0)
                continue;
            if ((rc = onx_value_shape(c, vis[i], "value_info", false, 0, t)))
                return rc;
            t->hint = t->rank >= 0;
        }
    }
    for (size_t i = 0; i < c->opts->dim_count; i++) {
        bool used = false;
        for (size_t j = 0; j < g->n_input && !used; j++) {
            const Onnx__TypeProto *tp = g->input[j]->type;
            if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
                !tp->tensor_type || !tp->tensor_type->shape)
                continue;
            for (size_t d = 0; d < tp->tensor_type->shape->n_dim && !used; d++) {
                const Onnx__TensorShapeProto__Dimension *dim = tp->tensor_type->shape->dim[d];
                used = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
                       dim->dim_param && !strcmp(dim->dim_param, c->opts->dims[i].name);
            }
        }
        if (!used)
            return onx_fail(c, "--dim %.60s: the model's inputs have no dimension of that name",
                            c->opts->dims[i].name);
    }
    return 0;
}

/* Checks what each node names (input and output counts, op_type, inputs that exist). */
static int onx_check_nodes(onx_ctx *c)
{
    const Onnx__GraphProto *g = c->graph;
    for (size_t i = 0; i < g->n_node; i++) {
        const Onnx__NodeProto *n = g->node[i];
        if (n->n_input > ONX_INPUTS_MAX)
            return onx_node_fail(c, n, "%zu inputs, more than %d", n->n_input, ONX_INPUTS_MAX);
        if (!n->n_output || !n->output[0][0])
            return onx_node_fail(c, n, "no output");
        if (!n->op_type || !n->op_type[0])
            return onx_node_fail(c, n, "no op_type");
        for (size_t j = 0; j < n->n_input; j++)
            if (n->input[j][0] && !onx_find(c, n->input[j]))
                return onx_node_fail(c, n,
                                     "input '%.100s' is not a graph input, an initializer or the "
                                     "output of any node",
                                     n->input[j]);
    }
    return 0;
}

/* Min-heap of node indices: among the nodes whose inputs are ready, the first in the file goes
 * first, so a file in topological order (as ONNX requires) keeps its order. */
static void onx_heap_push(size_t *heap, size_t *n, size_t v)
{
    size_t i = (*n)++;
    for (; i > 0 && heap[(i - 1) / 2] > v; i = (i - 1) / 2)
        heap[i] = heap[(i - 1) / 2];
    heap[i] = v;
}

static size_t onx_heap_pop(size_t *heap, size_t *n)
{
    size_t top = heap[0], last = heap[--*n], i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= *n)
            break;
        if (k + 1 < *n && heap[k + 1] < heap[k])
            k++;
        if (heap[k] >= last)
            break;
        heap[i] = heap[k];
        i = k;
    }
    if (*n)
        heap[i] = last;
    return top;
}

/* Runs one node: its inputs are ready. */
static int onx_run_node(onx_ctx *c, const Onnx__NodeProto *n)
{
    onx_node_io io;
    int rc;
    memset(&io, 0, sizeof io);
    for (size_t j = 0; j < n->n_input; j++)
        io.in[j] = n->input[j][0] ? onx_find(c, n->input[j]) : NULL;
    io.nin = n->n_input;
    io.nout = n->n_output < 4 ? n->n_output : 4;
    for (size_t j = 0; j < io.nout; j++)
        io.out[j] = n->output[j][0] ? onx_find(c, n->output[j]) : NULL;
    if ((rc = onx_node(c, n, &io)))
        return rc;
    for (size_t j = 0; j < n->n_output; j++) {
        onx_tensor *t = n->output[j][0] ? onx_find(c, n->output[j]) : NULL;
        if (t && t->rank < 0)
            return onx_node_fail(c, n, "output '%.100s' is not computed by this operator",
                                 t->name);
        if (t)
            t->hint = false;
    }
    return 0;
}

/* Runs the nodes in dependency order (Kahn's algorithm: a node waits for the nodes producing
 * its inputs; consumers in CSR form, first[p]..first[p+1] of node p). */
static int onx_run_nodes(onx_ctx *c)
{
    const Onnx__GraphProto *g = c->graph;
    size_t nn = g->n_node, edges = 0, nheap = 0, done = 0;
    int rc = onx_check_nodes(c);
    if (rc)
        return rc;
    for (size_t i = 0; i < nn; i++)
        edges += g->node[i]->n_input;
    size_t *waits = calloc(nn + 1, sizeof *waits), *first = calloc(nn + 1, sizeof *first);
    size_t *cons = calloc(edges ? edges : 1, sizeof *cons), *heap = calloc(nn + 1, sizeof *heap);
    if (!waits || !first || !cons || !heap) {
        rc = onx_oom(c);
        goto out;
    }
    for (int pass = 0; pass < 2; pass++) { /* count, then fill the consumer lists */
        for (size_t i = 0; i < nn; i++) {
            const Onnx__NodeProto *n = g->node[i];
            for (size_t j = 0; j < n->n_input; j++) {
                const onx_tensor *t = n->input[j][0] ? onx_find(c, n->input[j]) : NULL;
                if (!t || t->producer < 0)
                    continue;
                if (pass == 0) {
                    first[t->producer + 1]++;
                    waits[i]++;
                } else {
                    cons[first[t->producer]++] = i;
                }
            }
        }
        if (pass == 0)
            for (size_t p = 0; p < nn; p++)
                first[p + 1] += first[p];
    }
    for (size_t p = nn; p > 0; p--) /* filling advanced first[p] to the next list's start */
        first[p] = first[p - 1];
    first[0] = 0;
    for (size_t i = 0; i < nn; i++)
        if (!waits[i])
            onx_heap_push(heap, &nheap, i);
    while (nheap) {
        size_t i = onx_heap_pop(heap, &nheap);
        if ((rc = onx_run_node(c, g->node[i])))
            goto out;
        done++;
        for (size_t e = first[i]; e < first[i + 1]; e++)
            if (--waits[cons[e]] == 0)
                onx_heap_push(heap, &nheap, cons[e]);
    }
    if (done < nn)
        for (size_t i = 0; i < nn; i++)
            if (waits[i]) {
                rc = onx_node_fail(c, g->node[i],
                                   "its inputs are never computed (the graph has a cycle)");
                break;
            }
out:
    free(waits);
    free(first);
    free(cons);
    free(heap);
    return rc;
}

int wl_parse_onnx(const char *name, const uint8_t *bytes, size_t size, const wl_opts *opts,
                  wl_workload **out, fw_err *err)
{
    static const wl_opts none;
    fw_err local;
    onx_ctx c;
    memset(&c, 0, sizeof c);
    if (!err)
        err = &local;
    c.file = name;
    c.opts = opts ? opts : &none;
    c.err = err;
    *out = NULL;
    if (size == 0)
        return onx_fail(&c, "empty file, not an ONNX model");
    onx_wire w = {bytes, size, name, err};
    int rc = onx_wire_walk(&w, 0, size, &onnx__model_proto__descriptor, "", 0);
    if (rc)
        return rc;
    Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, size, bytes);
    if (!model)
        return onx_fail(&c, "protobuf-c cannot decode the model (an invalid enum value or packed "
                            "field)");
    wl_workload *wl = NULL;
    const char *gname; /* declared before the first jump to done (-Wjump-misses-init) */
    if (!model->graph) {
        rc = onx_fail(&c, "no graph (is this an ONNX model?)");
        goto done;
    }
    if (!model->graph->n_node) {
        rc = onx_fail(&c, "the graph has no nodes");
        goto done;
    }
    if (model->graph->n_node > ONX_NODES_MAX) {
        rc = onx_fail(&c, "%zu nodes, more than %u", model->graph->n_node, ONX_NODES_MAX);
        goto done;
    }
    c.graph = model->graph;
    if ((rc = onx_prepare(&c)) || (rc = onx_tensors(&c)) || (rc = onx_run_nodes(&c)))
        goto done;
    if (!c.nlayers) {
        rc = onx_fail(&c, "no layers: the graph computes only constants");
        goto done;
    }
    wl = calloc(1, sizeof *wl);
    if (!wl) {
        rc = onx_oom(&c);
        goto done;
    }
    gname = model->graph->name && model->graph->name[0] ? model->graph->name : NULL;
    if (!gname) {
        const char *slash = strrchr(name, '/');
        gname = slash ? slash + 1 : name;
    }
    snprintf(wl->name, sizeof wl->name, "%s", gname);
    for (char *p = wl->name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    wl->layers = c.layers;
    wl->layer_count = c.nlayers;
    wl->batch = onx_u32(c.model_batch);
    c.layers = NULL;
done:
    onnx__model_proto__free_unpacked(model, NULL);
    free(c.tensors);
    free(c.hash);
    free(c.lhash);
    free(c.layers);
    if (rc) {
        wl_destroy(wl);
        return rc;
    }
    *out = wl;
    return 0;
}
