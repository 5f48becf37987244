#!/usr/bin/python3
"""tools/gen_onnx.py OUT_DIR: writes the ONNX test models of flopwatt's ONNX import
(sim/workload/wl_onnx.c) into OUT_DIR (a directory under build/; nothing here is committed):

  zoo:       resnet50.onnx, mobilenet_v2.onnx, bert_base.onnx (seq 128), gpt2_small.onnx,
             vit_b16.onnx, llama2_7b_{prefill,decode}_2048.onnx: the shapes of configs/workloads/*.json with layer names equal to the
             JSON zoo's, plus the nodes an exporter writes (batch-norm, ReLU/ReLU6, Flatten,
             biases, head reshapes and transposes); bert_base_dyn.onnx: BERT-base with symbolic
             batch and seq;
  cases/:    one small model per operator attribute case, for hand-worked checks;
  bad/:      malformed models, one defect each (tests/cli/onnx.sh holds the expected errors).

Uses Debian's python3-onnx (run with /usr/bin/python3). Weights of the zoo models are declared
as external data (dims only; weights.bin is an empty placeholder for onnx.checker): the importer reads shapes, never weight values, and the
files stay small. Small constants (Reshape shapes, scalars) are stored in the model.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class G:
    """Collects nodes, initializers and a running shape (NCHW) of one graph."""

    def __init__(self, name, inputs):
        self.name = name
        self.nodes, self.inits, self.inputs = [], [], inputs
        self.count = 0

    def tmp(self, stem):
        self.count += 1
        return "%s_%d" % (stem, self.count)

    def weight(self, name, dims):
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.FLOAT
        t.dims.extend(dims)
        t.data_location = TensorProto.EXTERNAL
        e = t.external_data.add()
        e.key, e.value = "location", "weights.bin"  # never read by flopwatt
        self.inits.append(t)
        return name

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, name=None, outputs=1, **attrs):
        name = name or self.tmp(op.lower())
        outs = [name + ":out"] + [name + ":out%d" % i for i in range(1, outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0]

    def model(self, outputs):
        g = helper.make_graph(self.nodes, self.name, self.inputs, outputs, self.inits)
        m = helper.make_model(g, producer_name="flopwatt tools/gen_onnx.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
        m.ir_version = 8
        return m


def out_size(n, k, s, pad):
    return (n + 2 * pad - k) // s + 1


class CNN(G):
    """A CNN builder tracking (tensor, h, w, c) like tools/gen_zoo.py's Net."""

    def __init__(self, name, h, w, c):
        super().__init__(name, [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                              [1, c, h, w])])
        self.x, self.h, self.w, self.c = "input", h, w, c

    def bn(self, x, c):
        ps = [self.weight(self.tmp("bn_p"), [c]) for _ in range(4)]
        return self.node("BatchNormalization", [x] + ps)

    def conv(self, name, x, h, w, c, filters, k, stride=1, pad=0, groups=1, same=False):
        wt = self.weight(name + "_w", [filters, c // groups, k, k])
        attrs = {"kernel_shape": [k, k], "strides": [stride, stride], "group": groups}
        if same:
            attrs["auto_pad"] = "SAME_UPPER"
            oh, ow = -(-h // stride), -(-w // stride)
        else:
            attrs["pads"] = [pad] * 4
            oh, ow = out_size(h, k, stride, pad), out_size(w, k, stride, pad)
        y = self.node("Conv", [x, wt], name=name, **attrs)
        return y, oh, ow, filters

    def head(self, pool_name, fc_name, classes):
        p = self.node("GlobalAveragePool", [self.x], name=pool_name)
        f = self.node("Flatten", [p], axis=1)
        wt = self.weight(fc_name + "_w", [classes, self.c])
        b = self.weight(fc_name + "_b", [classes])
        y = self.node("Gemm", [f, wt, b], name=fc_name, transB=1)
        return [helper.make_tensor_value_info(y, TensorProto.FLOAT, [1, classes])]


def resnet50():
    """ResNet-50 v1 as configs/workloads/resnet50.json (stride on the block's first 1x1)."""
    g = CNN("resnet50", 224, 224, 3)
    y, h, w, c = g.conv("conv1", g.x, 224, 224, 3, 64, 7, stride=2, pad=3)
    y = g.node("Relu", [g.bn(y, c)])
    y = g.node("MaxPool", [y], name="pool1", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    h, w = out_size(h, 3, 2, 1), out_size(w, 3, 2, 1)
    for stage, (width, reps) in enumerate(zip([64, 128, 256, 512], [3, 4, 6, 3]), 2):
        for b in range(reps):
            p = "res%d%s_" % (stage, chr(ord("a") + b))
            s = 2 if b == 0 and stage > 2 else 1
            x, xh, xw, xc = y, h, w, c
            t, h, w, c = g.conv(p + "branch2a", x, xh, xw, xc, width, 1, stride=s)
            t = g.node("Relu", [g.bn(t, c)])
            t, h, w, c = g.conv(p + "branch2b", t, h, w, c, width, 3, pad=1)
            t = g.node("Relu", [g.bn(t, c)])
            t, h, w, c = g.conv(p + "branch2c", t, h, w, c, 4 * width, 1)
            t = g.bn(t, c)
            short = x
            if b == 0:
                short, _, _, _ = g.conv(p + "branch1", x, xh, xw, xc, 4 * width, 1, stride=s)
                short = g.bn(short, c)
            y = g.node("Relu", [g.node("Add", [t, short], name=p + "add")])
    g.x, g.c = y, c
    return g.model(g.head("pool5", "fc1000", 1000))


def mobilenet_v2():
    """MobileNet v2 1.0-224 as configs/workloads/mobilenet_v2.json (TensorFlow "same")."""
    g = CNN("mobilenet_v2", 224, 224, 3)
    lo, hi = g.const("relu6_min", np.float32(0)), g.const("relu6_max", np.float32(6))

    def relu6(x):
        return g.node("Clip", [x, lo, hi])

    y, h, w, c = g.conv("conv1", g.x, 224, 224, 3, 32, 3, stride=2, same=True)
    y = relu6(g.bn(y, c))
    plan = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
            (6, 160, 3, 2), (6, 320, 1, 1)]
    block = 0
    for t, cout, reps, first in plan:
        for r in range(reps):
            s = first if r == 0 else 1
            p = "block%d_" % block
            x, xc = y, c
            if t != 1:
                y, h, w, c = g.conv(p + "expand", y, h, w, c, c * t, 1)
                y = relu6(g.bn(y, c))
            y, h, w, c = g.conv(p + "dw", y, h, w, c, c, 3, stride=s, groups=c, same=True)
            y = relu6(g.bn(y, c))
            y, h, w, c = g.conv(p + "project", y, h, w, c, cout, 1)
            y = g.bn(y, c)
            if s == 1 and xc == cout:
                y = g.node("Add", [y, x], name=p + "add")
            block += 1
    y, h, w, c = g.conv("conv_last", y, h, w, c, 1280, 1)
    g.x, g.c = relu6(g.bn(y, c)), c
    return g.model(g.head("avgpool", "fc", 1000))


class Transformer(G):
    """Transformer blocks on a [batch, tokens, d] activation, layer names as in
    tools/gen_zoo.py's Seq/encoder_layer: fused Q/K/V projection (then Split), heads by Reshape
    and Transpose, Q.K^T and scores x V as MatMuls of activations, output projection, residual
    adds, LayerNormalization (post- or pre-norm), feed-forward with GELU (ONNX Runtime's
    com.microsoft Gelu, as optimised exports write it). Biases are separate Add nodes."""

    def __init__(self, name, inputs, d, heads):
        super().__init__(name, inputs)
        self.d, self.heads, self.dk = d, heads, d // heads
        self.split_heads = self.const("split_heads", np.array([0, 0, heads, self.dk], np.int64))
        self.merge_heads = self.const("merge_heads", np.array([0, 0, d], np.int64))
        self.scale = self.const("scale", np.float32(np.sqrt(self.dk)))
        self.qkv_split = self.const("qkv_split", np.array([d, d, d], np.int64))

    def dense(self, name, x, k, n):
        y = self.node("MatMul", [x, self.weight(name + "_w", [k, n])], name=name)
        return self.node("Add", [y, self.weight(name + "_b", [n])], name=name + "_bias")

    def layernorm(self, name, x):
        return self.node("LayerNormalization", [x, self.weight(name + "_g", [self.d]),
                                                self.weight(name + "_b", [self.d])],
                         name=name, axis=-1, epsilon=1e-12)

    def block(self, p, x, ff, pre_norm, gated=False, past=None):
        """past: (K^T cache [1, heads, dk, L-1], V cache [1, heads, L-1, dk]) graph inputs that
        the new token's key and value are appended to (decode)."""
        d = self.d
        h = self.layernorm(p + "norm1", x) if pre_norm else x
        qkv = self.dense(p + "qkv", h, d, 3 * d)
        parts = [p + "q", p + "k", p + "v"]
        self.nodes.append(helper.make_node("Split", [qkv, self.qkv_split], parts,
                                           name=p + "split", axis=2))
        heads = [self.node("Transpose", [self.node("Reshape", [t, self.split_heads])], perm=pm)
                 for t, pm in zip(parts, ([0, 2, 1, 3], [0, 2, 3, 1], [0, 2, 1, 3]))]
        if past:
            heads[1] = self.node("Concat", [past[0], heads[1]], axis=3)
            heads[2] = self.node("Concat", [past[1], heads[2]], axis=2)
        sc = self.node("MatMul", heads[:2], name=p + "qk")
        sc = self.node("Softmax", [self.node("Div", [sc, self.scale])], name=p + "softmax",
                       axis=-1)
        ctx = self.node("MatMul", [sc, heads[2]], name=p + "av")
        ctx = self.node("Reshape", [self.node("Transpose", [ctx], perm=[0, 2, 1, 3]),
                                    self.merge_heads])
        a = self.node("Add", [self.dense(p + "proj", ctx, d, d), x], name=p + "add1")
        if not pre_norm:
            a = self.layernorm(p + "norm1", a)
        f = self.layernorm(p + "norm2", a) if pre_norm else a
        f = self.dense(p + "ffn1", f, d, (2 if gated else 1) * ff)
        if gated:  # SwiGLU: SiLU(gate) x up; ONNX Runtime writes SiLU as QuickGelu(alpha 1)
            gate, up = p + "gate", p + "up"
            self.nodes.append(helper.make_node("Split", [f, self.const(p + "halves", np.array(
                [ff, ff], np.int64))], [gate, up], name=p + "gate_up", axis=2))
            f = self.node("QuickGelu", [gate], name=p + "act", domain="com.microsoft", alpha=1.0)
            f = self.node("Mul", [f, up])
        else:
            f = self.node("Gelu", [f], name=p + "act", domain="com.microsoft")
        y = self.node("Add", [self.dense(p + "ffn2", f, ff, d), a], name=p + "add2")
        return y if pre_norm else self.layernorm(p + "norm2", y)

    def cls_fc(self, name, x, n, squash=None):
        """A fully connected layer on the first token (pooler, classifier head)."""
        first = self.node("Gather", [x, self.const(name + "_token", np.array(0, np.int64))],
                          axis=1)
        y = self.node("Gemm", [first, self.weight(name + "_w", [n, self.d]),
                               self.weight(name + "_b", [n])], name=name, transB=1)
        return self.node(squash, [y]) if squash else y

    def finish(self, y, dims):
        m = self.model([helper.make_tensor_value_info(y, TensorProto.FLOAT, dims)])
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
        return m


def hidden_input(batch, seq, d):
    return [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [batch, seq, d])]


def bert_base(batch, seq):
    """BERT-base (12 layers, d 768, 12 heads, FFN 3072, post-norm) on the embeddings, and its
    pooler; as configs/workloads/bert_base_*.json."""
    g = Transformer("bert_base", hidden_input(batch, seq, 768), 768, 12)
    x = "hidden"
    for i in range(12):
        x = g.block("l%d_" % i, x, 3072, pre_norm=False)
    return g.finish(g.cls_fc("pooler", x, 768, squash="Tanh"), [batch, 768])


def gpt2_small():
    """GPT-2 small on the embeddings of its 1024-token context (pre-norm), final norm and the
    LM head; as configs/workloads/gpt2_small.json."""
    g = Transformer("gpt2_small", hidden_input(1, 1024, 768), 768, 12)
    x = "hidden"
    for i in range(12):
        x = g.block("h%d_" % i, x, 3072, pre_norm=True)
    x = g.layernorm("ln_f", x)
    y = g.node("MatMul", [x, g.weight("lm_head_w", [768, 50257])], name="lm_head")
    return g.finish(y, [1, 1024, 50257])


def llama2_7b(phase, ctx):
    """Llama-2-7B (32 layers, d 4096, 32 heads of 128, SwiGLU 11008, RMSNorm written as
    LayerNormalization): prefill of ctx tokens, or decode of one token whose keys and values
    are appended to a KV cache of ctx - 1 tokens (graph inputs); as
    configs/workloads/llama2_7b_{prefill,decode}_CTX.json."""
    t = ctx if phase == "prefill" else 1
    inputs = hidden_input(1, t, 4096)
    if phase == "decode":
        for i in range(32):
            inputs += [vi("past_k%d" % i, [1, 32, 128, ctx - 1]),
                       vi("past_v%d" % i, [1, 32, ctx - 1, 128])]
    g = Transformer("llama2_7b_%s_%d" % (phase, ctx), inputs, 4096, 32)
    x = "hidden"
    for i in range(32):
        past = ("past_k%d" % i, "past_v%d" % i) if phase == "decode" else None
        x = g.block("l%d_" % i, x, 11008, pre_norm=True, gated=True, past=past)
    x = g.layernorm("norm", x)
    y = g.node("MatMul", [x, g.weight("lm_head_w", [4096, 32000])], name="lm_head")
    return g.finish(y, [1, t, 32000])


def vit_b16():
    """ViT-B/16: 16x16 patch embedding (a strided Conv), class token, 12 pre-norm blocks, final
    norm, classifier on the class token; as configs/workloads/vit_b16.json."""
    g = Transformer("vit_b16", [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                              [1, 3, 224, 224])], 768, 12)
    p = g.node("Conv", ["image", g.weight("patch_embed_w", [768, 3, 16, 16])],
               name="patch_embed", kernel_shape=[16, 16], strides=[16, 16])
    p = g.node("Reshape", [p, g.const("patch_rows", np.array([0, 768, 196], np.int64))])
    p = g.node("Transpose", [p], perm=[0, 2, 1])
    x = g.node("Concat", [g.weight("cls_token", [1, 1, 768]), p], axis=1)
    x = g.node("Add", [x, g.weight("pos_embed", [1, 197, 768])])
    for i in range(12):
        x = g.block("l%d_" % i, x, 3072, pre_norm=True)
    x = g.layernorm("norm", x)
    return g.finish(g.cls_fc("head", x, 1000), [1, 1000])


# ---------- hand-worked operator cases (tests/cli/onnx.sh holds the expected figures) ----------

def vi(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def single(name, op, in_dims, consts, out_dims, const_inputs=(), **attrs):
    """One node `op` named name: graph inputs x0.. of in_dims, then zero-filled initializers."""
    inputs = [vi("x%d" % i, d) for i, d in enumerate(in_dims)]
    names = [v.name for v in inputs]
    inits = []
    for j, d in enumerate(consts):
        t = numpy_helper.from_array(np.zeros(d, dtype=np.float32), "w%d" % j)
        inits.append(t)
        names.append(t.name)
    for j, arr in enumerate(const_inputs):
        t = numpy_helper.from_array(np.asarray(arr), "c%d" % j)
        inits.append(t)
        names.append(t.name)
    node = helper.make_node(op, names, ["y"], name=name, **attrs)
    g = helper.make_graph([node], name, inputs, [vi("y", out_dims)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    return m


def cases():
    return {
        "conv_pads": single("conv_pads", "Conv", [[1, 3, 10, 12]], [[8, 3, 3, 5]], [1, 8, 5, 3],
                            pads=[1, 2, 0, 1], strides=[2, 3], dilations=[1, 2]),
        "conv_group": single("conv_group", "Conv", [[2, 8, 6, 6]], [[12, 2, 3, 3]],
                             [2, 12, 6, 6], group=4, pads=[1, 1, 1, 1]),
        "conv_same_upper": single("conv_su", "Conv", [[1, 4, 8, 8]], [[4, 1, 3, 3]],
                                  [1, 4, 4, 4], group=4, strides=[2, 2], auto_pad="SAME_UPPER"),
        "conv_same_lower": single("conv_sl", "Conv", [[1, 4, 8, 8]], [[4, 1, 3, 3]],
                                  [1, 4, 4, 4], group=4, strides=[2, 2], auto_pad="SAME_LOWER"),
        "conv_valid": single("conv_valid", "Conv", [[1, 2, 9, 9]], [[3, 2, 4, 4]], [1, 3, 3, 3],
                             strides=[2, 2], auto_pad="VALID"),
        "conv1d": single("conv1d", "Conv", [[1, 4, 20]], [[6, 4, 5]], [1, 6, 9],
                         strides=[2], pads=[0, 1], dilations=[1]),
        "gemm_trans": single("gemm_t", "Gemm", [[6, 4]], [[5, 6]], [4, 5], transA=1, transB=1),
        "gemm_bias": single("gemm_b", "Gemm", [[3, 7]], [[7, 2], [2]], [3, 2], alpha=0.5,
                            beta=2.0),
        "matmul_bcast": single("mm_bc", "MatMul", [[2, 1, 4, 6], [3, 6, 5]], [], [2, 3, 4, 5]),
        "matmul_weights": single("mm_w", "MatMul", [[2, 3, 4]], [[4, 5]], [2, 3, 5]),
        "matmul_vec": single("mm_vec", "MatMul", [[6]], [[6, 5]], [5]),
        "maxpool_ceil": single("mp_ceil", "MaxPool", [[1, 3, 6, 6]], [], [1, 3, 3, 3],
                               kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        "avgpool_same": single("ap_same", "AveragePool", [[1, 2, 5, 5]], [], [1, 2, 3, 3],
                               kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_LOWER"),
        "reshape": single("rs", "Reshape", [[2, 3, 4]], [], [2, 12],
                          const_inputs=[np.array([0, -1], dtype=np.int64)]),
        "transpose": single("tr", "Transpose", [[2, 3, 4]], [], [2, 4, 3], perm=[0, 2, 1]),
        "concat": single("cat", "Concat", [[1, 3, 4, 4], [1, 5, 4, 4]], [], [1, 8, 4, 4],
                         axis=1),
        "unknown_hinted": single("roi", "RoiAlignX", [[1, 3, 4, 4]], [], [1, 3, 2, 2]),
        "shape_math": shape_math(),
        "unsorted": unsorted(shape_math()),
    }


def shape_math():
    """An exporter's dynamic reshape (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), a
    Slice with a step, and an embedding lookup (Gather of a constant table by indices)."""
    x = vi("x", [2, 6, 4])
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, [2, 5])
    inits = [numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
             numpy_helper.from_array(np.array([0], dtype=np.int64), "axes0"),
             numpy_helper.from_array(np.array([3, 8], dtype=np.int64), "tail"),
             numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
             numpy_helper.from_array(np.array([5], dtype=np.int64), "five"),
             numpy_helper.from_array(np.array([2], dtype=np.int64), "two"),
             numpy_helper.from_array(np.zeros([100, 16], dtype=np.float32), "table")]
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "zero"], ["b"], name="batch_of"),
             helper.make_node("Unsqueeze", ["b", "axes0"], ["b1"], name="unsq"),
             helper.make_node("Concat", ["b1", "tail"], ["target"], name="target", axis=0),
             helper.make_node("Reshape", ["x", "target"], ["r"], name="reshape"),
             helper.make_node("Slice", ["x", "one", "five", "one", "two"], ["sl"], name="slice"),
             helper.make_node("Gather", ["table", "ids"], ["emb"], name="embed")]
    g = helper.make_graph(nodes, "shape_math", [x, ids],
                          [vi("r", [2, 3, 8]), vi("sl", [2, 2, 4]), vi("emb", [2, 5, 16])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)])
    m.ir_version = 8
    return m


def unsorted(m):
    """The model with its nodes in reverse order (ONNX requires topological order; flopwatt
    sorts)."""
    nodes = list(m.graph.node)[::-1]
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    return m


# ---------- malformed models ----------

def bad_models():
    ok = cases()["conv_pads"]

    def clone(m):
        c = onnx.ModelProto()
        c.CopyFrom(m)
        return c

    out = {}
    m = onnx.ModelProto()
    m.ir_version = 8
    out["no_graph"] = m
    m = clone(ok)
    del m.graph.node[:]
    out["no_nodes"] = m
    m = clone(ok)
    m.graph.node[0].input[0] = "nope"
    out["missing_input"] = m
    m = clone(ok)
    m.graph.node.append(helper.make_node("Relu", ["b"], ["a"], name="r1"))
    m.graph.node.append(helper.make_node("Relu", ["a"], ["b"], name="r2"))
    out["cycle"] = m
    m = clone(ok)
    m.graph.node.append(helper.make_node("FooBar", ["y"], ["z"], name="foo"))
    out["unknown_op"] = m
    m = clone(ok)
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = -3
    out["negative_dim"] = m
    m = clone(ok)
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    out["symbolic_dim"] = m
    m = clone(ok)
    m.graph.input[0].type.tensor_type.shape.dim[2].ClearField("dim_value")
    out["unknown_dim"] = m
    out["group_divide"] = single("g", "Conv", [[1, 8, 6, 6]], [[9, 2, 3, 3]], [1, 9, 4, 4],
                                 group=3)
    out["pads_count"] = single("p", "Conv", [[1, 3, 6, 6]], [[4, 3, 3, 3]], [1, 4, 4, 4],
                               pads=[1, 1, 1])
    m = clone(ok)
    a = m.graph.node[0].attribute
    for i, at in enumerate(a):
        if at.name == "strides":
            del a[i]
            break
    a.append(helper.make_attribute("strides", 2))
    out["attr_type"] = m
    out["auto_pad_bad"] = single("ap", "Conv", [[1, 3, 6, 6]], [[4, 3, 3, 3]], [1, 4, 6, 6],
                                 auto_pad="SAME")
    out["auto_pad_and_pads"] = single("app", "Conv", [[1, 3, 6, 6]], [[4, 3, 3, 3]],
                                      [1, 4, 6, 6], auto_pad="SAME_UPPER", pads=[1, 1, 1, 1])
    out["matmul_k"] = single("mk", "MatMul", [[4, 6], [5, 3]], [], [4, 3])
    out["matmul_bcast"] = single("mb", "MatMul", [[2, 4, 6], [3, 6, 5]], [], [2, 4, 5])
    m = single("rs", "Reshape", [[2, 3, 4], [2]], [], [2, 12])
    m.graph.input[1].type.tensor_type.elem_type = TensorProto.INT64
    out["reshape_dynamic"] = m
    m = clone(ok)
    m.graph.node.append(helper.make_node("Relu", ["x0"], ["y"], name="r"))
    out["duplicate_output"] = m
    m = clone(ok)
    m.graph.output.append(vi("ghost", [1]))
    out["output_unproduced"] = m
    out["zero_dim_weight"] = single("z", "Conv", [[1, 3, 6, 6]], [[0, 3, 3, 3]], [1, 0, 4, 4])
    out["add_bcast"] = single("ab", "Add", [[2, 3], [4, 3]], [], [2, 3])
    out["kernel_too_big"] = single("kb", "Conv", [[1, 3, 4, 4]], [[2, 3, 7, 7]], [1, 2, 1, 1])
    out["concat_no_axis"] = single("ca", "Concat", [[1, 3], [1, 4]], [], [1, 7])
    m = clone(ok)
    del m.graph.node[0].output[:]
    del m.graph.output[:]
    out["no_output"] = m
    out["conv_rank"] = single("cr", "Conv", [[3, 6, 6]], [[4, 3, 3, 3]], [1, 4, 4, 4])
    out["transpose_perm"] = single("tp", "Transpose", [[2, 3, 4]], [], [2, 3, 4],
                                   perm=[0, 0, 1])
    out["ceil_mode_bad"] = single("cm", "MaxPool", [[1, 3, 6, 6]], [], [1, 3, 2, 2],
                                  kernel_shape=[3, 3], ceil_mode=2)
    # subgraphs nested 30 deep (If's then_branch): deeper than the reader accepts
    inner = helper.make_graph([helper.make_node("Relu", ["x0"], ["y"])], "leaf",
                              [vi("x0", [1])], [vi("y", [1])])
    for d in range(30):
        node = helper.make_node("If", ["c"], ["y"], name="if%d" % d, then_branch=inner)
        inner = helper.make_graph([node], "g%d" % d, [], [vi("y", [1])])
    m = helper.make_model(inner)
    out["nested_deep"] = m
    return out


def raw_bad():
    """Byte-level defects that no protobuf library writes."""
    return {
        "empty": b"",
        "wire_type": b"\x0a\x01\x00",           # field 1 (ir_version, varint) as length
        "wire_type_invalid": b"\x08\x08\x0e",  # a key with wire type 6
        "field_zero": b"\x08\x08\x00\x00",     # field number 0
        "varint_long": b"\x08" + b"\xff" * 11,
        "length_over": b"\x08\x08\x3a\x7f\x0a\x01",  # graph (7) declares 127 bytes, 2 remain
    }


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.SerializeToString())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tools/gen_onnx.py OUT_DIR")
    out = sys.argv[1]
    for sub in ("", "cases", "bad"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    zoo = {"resnet50": resnet50(), "mobilenet_v2": mobilenet_v2(),
           "bert_base": bert_base(1, 128), "bert_base_dyn": bert_base("batch", "seq"),
           "gpt2_small": gpt2_small(), "vit_b16": vit_b16(),
           "llama2_7b_prefill_2048": llama2_7b("prefill", 2048),
           "llama2_7b_decode_2048": llama2_7b("decode", 2048)}
    # the checker wants the external weight file to exist: an empty placeholder
    write(os.path.join(out, "weights.bin"), b"")
    here = os.getcwd()
    os.chdir(out)
    for m in zoo.values():
        onnx.checker.check_model(m)
    os.chdir(here)
    for name, m in zoo.items():
        write(os.path.join(out, name + ".onnx"), m)
    for name, m in cases().items():
        write(os.path.join(out, "cases", name + ".onnx"), m)
    for name, m in bad_models().items():
        write(os.path.join(out, "bad", name + ".onnx"), m)
    for name, data in raw_bad().items():
        write(os.path.join(out, "bad", name + ".onnx"), data)
    blob = zoo["resnet50"].SerializeToString()
    write(os.path.join(out, "bad", "truncated.onnx"), blob[: len(blob) // 2])


if __name__ == "__main__":
    main()
