#!/usr/bin/env python3
"""tools/gen_zoo.py [--out DIR]: writes the network zoo (configs/workloads/*.json) from compact
descriptions of each network, so the long files (ResNets, MobileNets, GoogLeNet) are generated,
never edited by hand. The generated files are committed; tests/cli/gen_zoo.sh checks that this
script reproduces them byte for byte. Python 3 standard library only.

The format is documented in configs/README.md ("Workloads"). Layer shapes follow each network's
reference implementation as noted in its "source" field; output sizes here only chain one layer
to the next (flopwatt recomputes and validates them when it reads the file).
"""
import argparse
import json
import os


def out_size(n, k, s, pad_a, pad_b, d=1):
    return (n + pad_a + pad_b - d * (k - 1) - 1) // s + 1


def same_pads(n, k, s, d=1):
    """TensorFlow "same" padding along one axis (the odd pixel at the end)."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


class Net:
    """Collects layers while tracking the current activation: its shape (h, w, c) and the
    tensors it is made of (names of the layers that produced them, concatenated along channels;
    "input" is the network's input). A layer whose input is not just the previous layer's
    output gets an "inputs" key."""

    def __init__(self, name, source, h, w, c):
        self.name = name
        self.source = source
        self.layers = []
        self.h, self.w, self.c = h, w, c
        self.cur = ["input"]

    def shape(self):
        return (self.h, self.w, self.c)

    def state(self):
        """The current activation: shape and tensors (for set_state)."""
        return (self.h, self.w, self.c), list(self.cur)

    def set_state(self, state):
        (self.h, self.w, self.c), self.cur = state[0], list(state[1])

    def _add(self, layer):
        prev = [self.layers[-1]["name"]] if self.layers else ["input"]
        if self.cur != prev:
            layer["inputs"] = list(self.cur)
        self.layers.append(layer)
        self.cur = [layer["name"]]

    def _window(self, layer, k, stride, pad):
        layer["kernel"] = k
        if stride != 1:
            layer["stride"] = stride
        if pad == "same":
            layer["pad"] = "same"
            a, b = same_pads(self.h, k, stride)
            c, d = same_pads(self.w, k, stride)
        else:
            if pad:
                layer["pad"] = pad
            a = b = c = d = pad
        return out_size(self.h, k, stride, a, b), out_size(self.w, k, stride, c, d)

    def conv(self, name, filters, k, stride=1, pad=0, groups=1):
        layer = {"name": name, "type": "conv", "in_h": self.h, "in_w": self.w, "in_c": self.c,
                 "filters": filters}
        oh, ow = self._window(layer, k, stride, pad)
        if groups != 1:
            layer["groups"] = groups
        self._add(layer)
        self.h, self.w, self.c = oh, ow, filters

    def dwconv(self, name, k, stride=1, pad=0):
        self.conv(name, self.c, k, stride, pad, groups=self.c)

    def pool(self, name, k, stride, pad=0):
        layer = {"name": name, "type": "pool", "in_h": self.h, "in_w": self.w, "in_c": self.c}
        self.h, self.w = self._window(layer, k, stride, pad)
        self._add(layer)

    def global_pool(self, name):
        assert self.h == self.w, "global pooling of a non-square map"
        self.pool(name, self.h, 1)

    def add(self, name, other):
        """Element-wise sum of the current activation and the state `other` (same shape)."""
        assert other[0] == self.shape(), "residual add of different shapes"
        self.cur += other[1]
        self._add({"name": name, "type": "eltwise", "in_h": self.h, "in_w": self.w,
                   "in_c": self.c})

    def fc(self, name, out_features, in_features=None):
        n = in_features if in_features is not None else self.h * self.w * self.c
        self._add({"name": name, "type": "fc", "in_features": n, "out_features": out_features})
        self.h, self.w, self.c = 1, 1, out_features

    def text(self):
        lines = ["{",
                 "  \"name\": %s," % json.dumps(self.name),
                 "  \"source\": %s," % json.dumps(self.source),
                 "  \"batch\": 1,",
                 "  \"layers\": ["]
        body = ["    " + json.dumps(layer, separators=(", ", ": ")) for layer in self.layers]
        lines.append(",\n".join(body))
        lines += ["  ]", "}"]
        return "\n".join(lines) + "\n"


def alexnet():
    n = Net("alexnet",
            "Krizhevsky et al. 2012 as in Caffe's bvlc_alexnet deploy.prototxt: one tower, "
            "227x227 input, groups=2 on conv2/4/5; LRN and ReLU omitted (no MACs)",
            227, 227, 3)
    n.conv("conv1", 96, 11, stride=4)
    n.pool("pool1", 3, 2)
    n.conv("conv2", 256, 5, pad=2, groups=2)
    n.pool("pool2", 3, 2)
    n.conv("conv3", 384, 3, pad=1)
    n.conv("conv4", 384, 3, pad=1, groups=2)
    n.conv("conv5", 256, 3, pad=1, groups=2)
    n.pool("pool5", 3, 2)
    n.fc("fc6", 4096)
    n.fc("fc7", 4096)
    n.fc("fc8", 1000)
    return n


def vgg16():
    n = Net("vgg16",
            "Simonyan & Zisserman 2014, configuration D, 224x224 input, 3x3 convs with pad 1",
            224, 224, 3)
    stages = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
    for i, (c, reps) in enumerate(stages, 1):
        for j in range(1, reps + 1):
            n.conv("conv%d_%d" % (i, j), c, 3, pad=1)
        n.pool("pool%d" % i, 2, 2)
    n.fc("fc6", 4096)
    n.fc("fc7", 4096)
    n.fc("fc8", 1000)
    return n


def googlenet():
    n = Net("googlenet",
            "Szegedy et al. 2014 (Inception v1) as in Caffe's bvlc_googlenet: 224x224 input; "
            "Caffe's ceil-mode pooling written as TensorFlow-style \"same\" padding (same "
            "sizes); concatenations, LRN and the auxiliary classifiers omitted (no MACs at "
            "inference)",
            224, 224, 3)
    n.conv("conv1_7x7_s2", 64, 7, stride=2, pad=3)
    n.pool("pool1_3x3_s2", 3, 2, pad="same")
    n.conv("conv2_3x3_reduce", 64, 1)
    n.conv("conv2_3x3", 192, 3, pad=1)
    n.pool("pool2_3x3_s2", 3, 2, pad="same")
    # (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj) per inception module
    modules = [("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), "pool3",
               ("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64),
               ("4c", 128, 128, 256, 24, 64, 64), ("4d", 112, 144, 288, 32, 64, 64),
               ("4e", 256, 160, 320, 32, 128, 128), "pool4",
               ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)]
    for m in modules:
        if isinstance(m, str):
            n.pool(m + "_3x3_s2", 3, 2, pad="same")
            continue
        name, c1, r3, c3, r5, c5, pp = m
        inp = n.state()
        p = "inception_%s_" % name
        n.conv(p + "1x1", c1, 1)
        n.set_state(inp)
        n.conv(p + "3x3_reduce", r3, 1)
        n.conv(p + "3x3", c3, 3, pad=1)
        n.set_state(inp)
        n.conv(p + "5x5_reduce", r5, 1)
        n.conv(p + "5x5", c5, 5, pad=2)
        n.set_state(inp)
        n.pool(p + "pool", 3, 1, pad=1)
        n.conv(p + "pool_proj", pp, 1)
        # the concatenation of the four branches (no layer of its own)
        n.set_state(((inp[0][0], inp[0][1], c1 + c3 + c5 + pp),
                     [p + "1x1", p + "3x3", p + "5x5", p + "pool_proj"]))
    n.global_pool("pool5_7x7_s1")
    n.fc("loss3_classifier", 1000)
    return n


def resnet(name, blocks, v15, source):
    n = Net(name, source, 224, 224, 3)
    n.conv("conv1", 64, 7, stride=2, pad=3)
    n.pool("pool1", 3, 2, pad=1)
    for stage, (c, reps) in enumerate(zip([64, 128, 256, 512], blocks), 2):
        for b in range(reps):
            p = "res%d%s_" % (stage, chr(ord("a") + b)) if reps <= 26 else \
                "res%d_%d_" % (stage, b + 1)
            stride = 2 if b == 0 and stage > 2 else 1
            inp = n.state()
            n.conv(p + "branch2a", c, 1, stride=1 if v15 else stride)
            n.conv(p + "branch2b", c, 3, stride=stride if v15 else 1, pad=1)
            n.conv(p + "branch2c", 4 * c, 1)
            out = n.state()
            if b == 0:
                n.set_state(inp)
                n.conv(p + "branch1", 4 * c, 1, stride=stride)
                inp = n.state()
            n.set_state(out)
            n.add(p + "add", inp)
    n.global_pool("pool5")
    n.fc("fc1000", 1000)
    return n


RESNET_V1 = ("He et al. 2015, Deep Residual Learning, Table 1, 224x224 input; v1 as in the "
             "authors' Caffe models: stride 2 on the first 1x1 conv of a downsampling block; "
             "batch-norm and ReLU omitted (no MACs)")
RESNET_V15 = ("ResNet v1.5 (torchvision / NVIDIA layout of He et al. 2015): stride 2 on the 3x3 "
              "conv of a downsampling block instead of the first 1x1; 224x224 input; batch-norm "
              "and ReLU omitted")


def mobilenet_v1():
    n = Net("mobilenet_v1",
            "Howard et al. 2017, MobileNets, Table 1, width 1.0, 224x224 input, TensorFlow "
            "\"same\" padding; batch-norm and ReLU omitted",
            224, 224, 3)
    n.conv("conv1", 32, 3, stride=2, pad="same")
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
        [(1024, 2), (1024, 1)]
    for i, (c, s) in enumerate(plan, 1):
        n.dwconv("conv_dw_%d" % i, 3, stride=s, pad="same")
        n.conv("conv_pw_%d" % i, c, 1)
    n.global_pool("avgpool")
    n.fc("fc", 1000)
    return n


def mobilenet_v2():
    n = Net("mobilenet_v2",
            "Sandler et al. 2018, MobileNetV2, Table 2, width 1.0, 224x224 input, TensorFlow "
            "\"same\" padding; batch-norm and ReLU6 omitted",
            224, 224, 3)
    n.conv("conv1", 32, 3, stride=2, pad="same")
    # (expansion t, output channels c, repeats n, first stride s)
    plan = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
            (6, 160, 3, 2), (6, 320, 1, 1)]
    block = 0
    for t, c, reps, s in plan:
        for r in range(reps):
            stride = s if r == 0 else 1
            inp = n.state()
            p = "block%d_" % block
            if t != 1:
                n.conv(p + "expand", inp[0][2] * t, 1)
            n.dwconv(p + "dw", 3, stride=stride, pad="same")
            n.conv(p + "project", c, 1)
            if stride == 1 and inp[0][2] == c:
                n.add(p + "add", inp)
            block += 1
    n.conv("conv_last", 1280, 1)
    n.global_pool("avgpool")
    n.fc("fc", 1000)
    return n


class Seq:
    """Collects transformer layers on a sequence of `t` tokens (a t x 1 x width activation)."""

    def __init__(self, name, source, t):
        self.name = name
        self.source = source
        self.t = t
        self.layers = []

    @staticmethod
    def _inputs(layer, inputs):
        if inputs:
            layer["inputs"] = inputs
        return layer

    def gemm(self, name, n, k, inputs=None):
        """Token-wise linear layer (weights k x n): C (t x n) = X (t x k) W."""
        self.layers.append(self._inputs({"name": name, "type": "gemm", "m": self.t, "n": n,
                                         "k": k}, inputs))

    def matmul(self, name, m, n, k, heads, inputs=None):
        """Product of two activations per head (no weights)."""
        self.layers.append(self._inputs({"name": name, "type": "matmul", "m": m, "n": n, "k": k,
                                         "heads": heads}, inputs))

    def mac_free(self, name, kind, width, rows=None, inputs=None):
        self.layers.append(self._inputs({"name": name, "type": kind,
                                         "in_h": self.t if rows is None else rows, "in_w": 1,
                                         "in_c": width}, inputs))

    text = Net.text


def encoder_layer(s, p, d, heads, ff, ctx=None, norm="layernorm", act="gelu", gated=False,
                  pre_norm=False, block_in="input"):
    """One transformer block on s.t query tokens attending to `ctx` keys (default s.t): fused
    Q/K/V projection, Q.K^T and scores x V per head, output projection, residual add, norm, and
    the feed-forward (gated: gate and up projections fused, as Llama's SwiGLU). `block_in` names
    the block's input tensor (the previous block's output, or "input"); the Q.K^T and scores x V
    matmuls read the Q/K/V projection (in a decode step K and V are the cache, read from memory),
    the residual adds read the block input and the attention output. Returns the name of the
    block's output tensor."""
    t = s.t
    ctx = t if ctx is None else ctx
    dk = d // heads
    first = [block_in] if block_in == "input" else None
    if pre_norm:
        s.mac_free(p + "norm1", norm, d, inputs=first)
        s.gemm(p + "qkv", 3 * d, d)
    else:
        s.gemm(p + "qkv", 3 * d, d, inputs=first)
    s.matmul(p + "qk", t, ctx, dk, heads, inputs=[p + "qkv"])
    s.mac_free(p + "softmax", "softmax", heads * ctx)
    s.matmul(p + "av", t, dk, ctx, heads, inputs=[p + "softmax", p + "qkv"])
    s.gemm(p + "proj", d, d)
    s.mac_free(p + "add1", "eltwise", d, inputs=[p + "proj", block_in])
    mid = p + ("norm2" if pre_norm else "norm1")
    s.mac_free(mid, norm, d)
    s.gemm(p + "ffn1", (2 if gated else 1) * ff, d)
    s.mac_free(p + "act", act, ff)
    s.gemm(p + "ffn2", d, ff)
    s.mac_free(p + "add2", "eltwise", d, inputs=[p + "ffn2", p + "add1" if pre_norm else mid])
    if pre_norm:
        return p + "add2"
    s.mac_free(p + "norm2", norm, d)
    return p + "norm2"


def bert_base(t):
    s = Seq("bert_base_%d" % t,
            "BERT-base (Devlin et al. 2019): 12 layers, d 768, 12 heads, FFN 3072, post-norm; "
            "%d tokens; encoder and pooler (embedding lookups carry no MACs)" % t, t)
    x = "input"
    for i in range(12):
        x = encoder_layer(s, "l%d_" % i, 768, 12, 3072, block_in=x)
    s.layers.append({"name": "pooler", "type": "fc", "in_features": 768, "out_features": 768})
    return s


def gpt2_small():
    t = 1024
    s = Seq("gpt2_small",
            "GPT-2 small (Radford et al. 2019, 124 M parameters): 12 layers, d 768, 12 heads, "
            "FFN 3072, pre-norm; a prefill of its full 1024-token context (causal attention "
            "counted as the full T x T product); LM head 768 x 50257 (tied to the embedding)", t)
    x = "input"
    for i in range(12):
        x = encoder_layer(s, "h%d_" % i, 768, 12, 3072, pre_norm=True, block_in=x)
    s.mac_free("ln_f", "layernorm", 768)
    s.gemm("lm_head", 50257, 768)
    return s


LLAMA2_7B = ("Llama-2-7B shapes (Touvron et al. 2023): 32 layers, d 4096, 32 heads of 128, "
             "SwiGLU FFN 11008 (gate and up fused), RMSNorm (as layernorm), vocabulary 32000; ")


def llama2_7b(phase, ctx):
    """prefill: ctx tokens attend to each other; decode: one token attends to a KV cache of ctx
    tokens (the cache is the matmuls' B operand, read as an activation)."""
    t = ctx if phase == "prefill" else 1
    what = ("prefill of %d tokens" % ctx if phase == "prefill" else
            "decode of one token with a KV cache of %d tokens" % ctx)
    s = Seq("llama2_7b_%s_%d" % (phase, ctx), LLAMA2_7B + what, t)
    x = "input"
    for i in range(32):
        x = encoder_layer(s, "l%d_" % i, 4096, 32, 11008, ctx=ctx, norm="layernorm", act="gelu",
                          gated=True, pre_norm=True, block_in=x)
    s.mac_free("norm", "layernorm", 4096)
    s.gemm("lm_head", 32000, 4096)
    return s


def vit_b16():
    t = 197
    s = Seq("vit_b16",
            "ViT-B/16 (Dosovitskiy et al. 2021): 224x224 image, 16x16 patches (196 + class "
            "token = 197 tokens), 12 layers, d 768, 12 heads, MLP 3072, pre-norm, 1000 classes",
            t)
    s.layers.append({"name": "patch_embed", "type": "conv", "in_h": 224, "in_w": 224, "in_c": 3,
                     "filters": 768, "kernel": 16, "stride": 16})
    x = "input"  # the patch embeddings with the class token and positions added
    for i in range(12):
        x = encoder_layer(s, "l%d_" % i, 768, 12, 3072, pre_norm=True, block_in=x)
    s.mac_free("norm", "layernorm", 768)
    s.layers.append({"name": "head", "type": "fc", "in_features": 768, "out_features": 1000})
    return s


# Albericio et al., "Cnvlutin: Ineffectual-Neuron-Free Deep Neural Network Computing", ISCA
# 2016, Section 2: the inputs of convolutional layers are on average 44% zeros over the networks
# they study: density 0.56, given to every MAC layer whose input is a ReLU output (all but the
# first, which reads the image). An average, not a per-layer measurement: a what-if.
RELU_DENSITY = 0.56


def sparse_variant(net, name, note, ifmap_density=None, weight_sparsity=None):
    """A copy of net with operand statistics on its MAC layers (configs/README.md)."""
    v = Net(name, net.source + "; " + note, 1, 1, 1)
    first = True
    for layer in net.layers:
        layer = dict(layer)
        if layer["type"] in ("conv", "fc", "gemm"):
            if ifmap_density is not None and not first:
                layer["ifmap_density"] = ifmap_density
            if weight_sparsity is not None:
                layer["weight_sparsity"] = weight_sparsity
            first = False
        v.layers.append(layer)
    return v


def zoo():
    relu = ("ifmap_density %.2f on every MAC layer after the first (Albericio et al. ISCA 2016: "
            "conv inputs are 44%% zeros on average)" % RELU_DENSITY)
    return [alexnet(), vgg16(), googlenet(),
            sparse_variant(alexnet(), "alexnet_sparse", relu, ifmap_density=RELU_DENSITY),
            sparse_variant(vgg16(), "vgg16_sparse", relu, ifmap_density=RELU_DENSITY),
            sparse_variant(resnet("resnet50", [3, 4, 6, 3], False, RESNET_V1), "resnet50_2to4",
                           "2:4 structured weight sparsity on every conv and fc layer (a what-if: "
                           "the weights as NVIDIA's 2:4 pruning leaves them)",
                           weight_sparsity="2:4"),
            resnet("resnet50", [3, 4, 6, 3], False, RESNET_V1),
            resnet("resnet50_v15", [3, 4, 6, 3], True, RESNET_V15),
            resnet("resnet101", [3, 4, 23, 3], False, RESNET_V1),
            resnet("resnet152", [3, 8, 36, 3], False, RESNET_V1),
            mobilenet_v1(), mobilenet_v2(),
            bert_base(128), bert_base(512), gpt2_small(), vit_b16(),
            llama2_7b("prefill", 2048), llama2_7b("decode", 2048)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "configs",
                                                  "workloads"))
    ap.add_argument("--llama-decode", type=int, metavar="L",
                    help="print the Llama-2-7B decode workload with a KV cache of L tokens")
    args = ap.parse_args()
    if args.llama_decode:
        print(llama2_7b("decode", args.llama_decode).text(), end="")
        return
    os.makedirs(args.out, exist_ok=True)
    for net in zoo():
        with open(os.path.join(args.out, net.name + ".json"), "w", encoding="utf-8") as f:
            f.write(net.text())


if __name__ == "__main__":
    main()
