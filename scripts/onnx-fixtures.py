#!/usr/bin/env python3
"""Writes the ONNX test fixtures of Tests/SiamFCONNXTests/Fixtures (development only: the
package and its tests never run Python).

Each fixture is a small graph built with onnx.helper from random weights (fixed seed) in the
shape of one model family (NanoTrack v1 backbone block and head, v3 head, a PyTorch export of
SiamFC's AlexNet) or of one operator, and onnxruntime's outputs on random inputs, some at a
spatial size other than the declared one. Inputs are stored as F16 (the values fed to
onnxruntime are those F16 values) and outputs as F32, in `<name>.safetensors` with keys
`<run>/in/<input>` and `<run>/out/<output>`.

    python3 scripts/onnx-fixtures.py            # needs onnx, onnxruntime, numpy
"""
import json
import os
import struct

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SiamFCONNXTests", "Fixtures")
rng = np.random.default_rng(20240611)
INT64_MAX = 2**63 - 1


class Graph:
    """Nodes, initializers and a counter for unique names, with PyTorch-like node names."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, op):
        self.count += 1
        return f"{op}_{self.count}"

    def const(self, values, dtype=np.float32):
        name = f"c{len(self.inits)}"
        self.inits.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def op(self, op, inputs, **attrs):
        name = self.name(op)
        out = name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def weight(self, *shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = scale or (1.0 / np.sqrt(max(fan_in, 1)))
        return self.const(rng.normal(0, scale, shape))

    def conv(self, x, cin, cout, k, stride=1, pad=0, group=1, bias=True, pads=None):
        w = self.weight(cout, cin // group, k, k)
        inputs = [x, w] + ([self.const(rng.normal(0, 0.1, cout))] if bias else [])
        return self.op("Conv", inputs, dilations=[1, 1], group=group, kernel_shape=[k, k],
                       pads=pads or [pad] * 4, strides=[stride, stride])

    def bn(self, x, c):
        params = [rng.uniform(0.5, 1.5, c), rng.normal(0, 0.1, c), rng.normal(0, 0.1, c), rng.uniform(0.5, 1.5, c)]
        return self.op("BatchNormalization", [x] + [self.const(p) for p in params], epsilon=1e-5, momentum=0.9)

    def clip6(self, x):
        return self.op("Clip", [x, self.const(0.0), self.const(6.0)])

    def hswish_ops(self, x):
        """MobileNetV3's original h_swish, x * relu6(x + 3) / 6, as the v1 backbone exports it."""
        return self.op("Mul", [x, self.op("Div", [self.clip6(self.op("Add", [x, self.const(3.0)])), self.const(6.0)])])

    def dims(self, x, *indices):
        """Unsimplified PyTorch shape chain: Shape → Gather(scalar) → Unsqueeze(axes input), per index."""
        shape = self.op("Shape", [x])
        return [self.op("Unsqueeze", [self.op("Gather", [shape, self.const(i, np.int64)], axis=0), self.const([0], np.int64)])
                for i in indices]

    def ca(self, x, c):
        """NanoTrack's channel attention: x * sigmoid(conv(relu(conv(gap(x)))))."""
        a = self.op("GlobalAveragePool", [x])
        a = self.op("Sigmoid", [self.conv(self.op("Relu", [self.conv(a, c, c, 1)]), c, c, 1)])
        return self.op("Mul", [x, a])

    def model(self, inputs, outputs, opset):
        graph = helper.make_graph(self.nodes, "fixture", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                                  [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in outputs], self.inits)
        model = helper.make_model(graph, producer_name="siamfc-fixtures", opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        # Outputs are declared without a shape (the runs use several sizes), which the checker refuses;
        # onnxruntime checks the graph when it loads it.
        return model


def rename(g, value, name):
    """Makes the node that produces `value` produce graph output `name`."""
    for node in g.nodes:
        for i, o in enumerate(node.output):
            if o == value:
                node.output[i] = name
    for node in g.nodes:
        for i, o in enumerate(node.input):
            if o == value:
                node.input[i] = name
    return name


# MARK: Model families

def v1_backbone_block():
    """NanoTrack v1's MobileNetV3 block as PyTorch exports it at opset 13 without onnxsim: BN
    nodes, h_swish as Add/Clip/Div/Mul, the SE layer's view(b, c) through Shape/Gather/Unsqueeze/
    Concat/Reshape, Gemm with transB, a residual Add."""
    g = Graph()
    x = g.hswish_ops(g.bn(g.conv("input", 3, 8, 3, stride=2, pad=1, bias=False), 8))
    y = g.op("Relu", [g.bn(g.conv(x, 8, 8, 3, pad=1, group=8, bias=False), 8)])
    b, c = g.dims(y, 0, 1)
    s = g.op("Reshape", [g.op("GlobalAveragePool", [y]), g.op("Concat", [b, c], axis=0)])
    s = g.op("Gemm", [s, g.weight(8, 8), g.const(rng.normal(0, 0.1, 8))], alpha=1.0, beta=1.0, transB=1)
    s = g.op("Gemm", [g.op("Relu", [s]), g.weight(8, 8), g.const(rng.normal(0, 0.1, 8))], alpha=1.0, beta=1.0, transB=1)
    s = g.op("Div", [g.clip6(g.op("Add", [s, g.const(3.0)])), g.const(6.0)])
    one = g.const([1], np.int64)
    s = g.op("Reshape", [s, g.op("Concat", [b, c, one, one], axis=0)])
    z = g.bn(g.conv(g.op("Mul", [y, s]), 8, 8, 1, bias=False), 8)
    out = rename(g, g.op("Add", [x, z]), "output")
    return g.model([("input", [1, 3, 32, 32])], [out], 13), [{"input": [1, 3, 32, 32]}, {"input": [1, 3, 24, 20]}]


def v1_head():
    """NanoTrack v1's head at opset 13 without onnxsim: pixel-wise correlation (Reshape with
    shapes from Shape chains, Transpose, MatMul), channel attention, depthwise and pointwise
    towers with Clip(0, 6), Exp; and as a third output the depthwise cross-correlation of SiamRPN++
    (`xcorr_depthwise`): a grouped Conv whose weight is the template's features."""
    g = Graph()
    b, c = g.dims("input1", 0, 1)
    minus1 = g.const([-1], np.int64)
    k = g.op("Transpose", [g.op("Reshape", ["input1", g.op("Concat", [b, c, minus1], axis=0)])], perm=[0, 2, 1])
    bs, cs, h, w = g.dims("input2", 0, 1, 2, 3)
    s = g.op("Reshape", ["input2", g.op("Concat", [bs, cs, minus1], axis=0)])
    corr = g.op("Reshape", [g.op("MatMul", [k, s]), g.op("Concat", [bs, minus1, h, w], axis=0)])
    corr = g.ca(corr, 16)
    t = g.clip6(g.bn(g.conv(g.conv(corr, 16, 16, 5, pad=2, group=16, bias=False), 16, 8, 1, bias=False), 8))
    out1 = rename(g, g.conv(t, 8, 2, 1), "output1")
    t = g.clip6(g.bn(g.conv(g.conv(corr, 16, 16, 3, pad=1, group=16, bias=False), 16, 8, 1, bias=False), 8))
    out2 = rename(g, g.op("Exp", [g.conv(t, 8, 4, 1)]), "output2")
    # xcorr_depthwise(search=input2, kernel=input1): view(1, b*c, H, W), view(b*c, 1, kh, kw).
    bc = g.op("Mul", [b, c])
    kh, kw = g.dims("input1", 2, 3)
    one = g.const([1], np.int64)
    kernel = g.op("Reshape", ["input1", g.op("Concat", [bc, one, kh, kw], axis=0)])
    search = g.op("Reshape", ["input2", g.op("Concat", [one, bc, h, w], axis=0)])
    feature = g.op("Conv", [search, kernel], group=8)
    oh, ow = g.dims(feature, 2, 3)
    out3 = rename(g, g.op("Reshape", [feature, g.op("Concat", [b, c, oh, ow], axis=0)]), "output3")
    return (g.model([("input1", [1, 8, 4, 4]), ("input2", [1, 8, 8, 8])], [out1, out2, out3], 13),
            [{"input1": [1, 8, 4, 4], "input2": [1, 8, 8, 8]}, {"input1": [1, 8, 4, 4], "input2": [1, 8, 10, 9]}])


def v3_head():
    """NanoTrack v3's head as onnxsim leaves it (constant shapes): the template cropped with
    Slice, a depthwise cross-correlation (Conv with a computed weight, pads 1) next to the
    pixel-wise one (MatMul, channel attention, a 2x2 depthwise Conv), joined by Concat."""
    g = Graph()
    crop = g.op("Slice", ["input1", g.const([2, 2], np.int64), g.const([6, 6], np.int64), g.const([2, 3], np.int64),
                          g.const([1, 1], np.int64)])
    kernel = g.op("Reshape", [g.bn(g.conv(crop, 8, 8, 1), 8), g.const([8, 1, 4, 4], np.int64)])
    search = g.op("Reshape", [g.bn(g.conv("input2", 8, 8, 1), 8), g.const([1, 8, 16, 16], np.int64)])
    dw = g.op("Reshape", [g.op("Conv", [search, kernel], group=8, pads=[1, 1, 1, 1]), g.const([1, 8, 15, 15], np.int64)])
    k = g.op("Transpose", [g.op("Reshape", [g.bn(g.conv("input1", 8, 8, 1), 8), g.const([1, 8, 64], np.int64)])], perm=[0, 2, 1])
    s = g.op("Reshape", [g.bn(g.conv("input2", 8, 8, 1), 8), g.const([1, 8, 256], np.int64)])
    pw = g.ca(g.op("Reshape", [g.op("MatMul", [k, s]), g.const([1, 64, 16, 16], np.int64)]), 64)
    pw = g.bn(g.conv(g.clip6(g.bn(g.conv(pw, 64, 64, 2, group=64, bias=False), 64)), 64, 64, 1), 64)
    x = g.conv(g.op("Concat", [pw, dw], axis=1), 72, 8, 1)
    t = g.bn(g.conv(g.clip6(g.bn(g.conv(x, 8, 8, 3, pad=1, group=8, bias=False), 8)), 8, 8, 1, bias=False), 8)
    out1 = rename(g, g.conv(t, 8, 2, 1), "output1")
    out2 = rename(g, g.op("Exp", [g.conv(x, 8, 4, 1)]), "output2")
    return (g.model([("input1", [1, 8, 8, 8]), ("input2", [1, 8, 16, 16])], [out1, out2], 13),
            [{"input1": [1, 8, 8, 8], "input2": [1, 8, 16, 16]}])


def siamfc_alexnet():
    """SiamFC's AlexNet as torch.onnx.export writes it at opset 17 (eval mode, BN kept):
    Conv (groups 2) / BatchNormalization / Relu / MaxPool 3x3 stride 2, all attributes explicit."""
    g = Graph()
    x = "input"
    for i, (cin, cout, k, stride, group, pool) in enumerate([(3, 8, 11, 2, 1, True), (8, 16, 5, 1, 2, True), (16, 16, 3, 1, 1, False),
                                                              (16, 16, 3, 1, 2, False), (16, 8, 3, 1, 2, False)]):
        x = g.conv(x, cin, cout, k, stride=stride, group=group)
        if i == 4:
            break
        x = g.op("Relu", [g.bn(x, cout)])
        if pool:
            x = g.op("MaxPool", [x], ceil_mode=0, dilations=[1, 1], kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[2, 2])
    out = rename(g, x, "output")
    return g.model([("input", [1, 3, 127, 127])], [out], 17), [{"input": [1, 3, 87, 87]}, {"input": [1, 3, 95, 95]}]


# MARK: One operator each

def single(opset, inputs, build, runs=None):
    g = Graph()
    outs = build(g)
    names = [rename(g, o, f"output{i + 1}") for i, o in enumerate(outs)]
    return g.model(inputs, names, opset), runs or [{n: s for n, s in inputs}]


def op_concat():
    return single(13, [("x", [2, 3, 4])], lambda g: [g.op("Concat", ["x", g.const(rng.normal(size=(2, 3, 2)))], axis=-1),
                                                        g.op("Concat", ["x", "x"], axis=0)])


def op_slice():
    def build(g):
        a = g.op("Slice", ["x", g.const([-1, 1], np.int64), g.const([-INT64_MAX, 100], np.int64), g.const([1, -1], np.int64),
                           g.const([-2, 2], np.int64)])
        b = g.op("Slice", ["x", g.const([1, 0], np.int64), g.const([-1, INT64_MAX], np.int64), g.const([2, 3], np.int64)])
        return [a, b]
    return single(13, [("x", [1, 5, 6, 7])], build, [{"x": [1, 5, 6, 7]}, {"x": [1, 5, 9, 4]}])


def op_slice_opset9():
    return single(9, [("x", [1, 4, 6, 6])], lambda g: [g.op("Slice", ["x"], starts=[1, -3], ends=[-1, INT64_MAX], axes=[2, 3])],
                  [{"x": [1, 4, 6, 6]}, {"x": [1, 4, 8, 5]}])


def op_gather():
    return single(13, [("x", [1, 5, 4, 3])], lambda g: [
        g.op("Gather", ["x", g.const([[0, -1], [2, 2]], np.int64)], axis=1),
        g.op("Gather", ["x", g.const(-1, np.int64)], axis=-1)])


def op_squeeze_unsqueeze(opset):
    def build(g):
        if opset < 13:
            a = g.op("Unsqueeze", [g.op("Squeeze", ["x"], axes=[0, 2])], axes=[1, -1])
        else:
            a = g.op("Unsqueeze", [g.op("Squeeze", ["x", g.const([0, 2], np.int64)]), g.const([1, -1], np.int64)])
        return [a, g.op("Squeeze", ["x"])]
    return single(opset, [("x", [1, 3, 1, 4])], build)


def op_softmax(opset):
    return single(opset, [("x", [1, 3, 4, 5])], lambda g: [g.op("Softmax", ["x"]), g.op("Softmax", ["x"], axis=1)],
                  [{"x": [1, 3, 4, 5]}, {"x": [1, 3, 6, 2]}])


def op_pad(opset):
    def build(g):
        if opset < 11:
            return [g.op("Pad", ["x"], mode="constant", pads=[0, 1, 2, -1, 0, 0, 1, 3], value=0.5)]
        return [g.op("Pad", ["x", g.const([0, 1, 2, -1, 0, 0, 1, 3], np.int64), g.const(0.5)], mode="constant"),
                g.op("Pad", ["x", g.const([0, 0, 1, 0, 0, 0, 2, 2], np.int64)])]
    return single(opset, [("x", [1, 2, 4, 5])], build, [{"x": [1, 2, 4, 5]}, {"x": [1, 2, 3, 7]}])


def op_reducemean(opset):
    def build(g):
        if opset < 18:
            return [g.op("ReduceMean", ["x"], axes=[2, 3]), g.op("ReduceMean", ["x"], axes=[-3], keepdims=0), g.op("ReduceMean", ["x"])]
        return [g.op("ReduceMean", ["x", g.const([2, 3], np.int64)]), g.op("ReduceMean", ["x", g.const([-3], np.int64)], keepdims=0),
                g.op("ReduceMean", ["x"]), g.op("ReduceMean", ["x"], noop_with_empty_axes=1)]
    return single(opset, [("x", [1, 3, 4, 5])], build, [{"x": [1, 3, 4, 5]}, {"x": [1, 3, 2, 6]}])


def op_asymmetric_pads():
    return single(13, [("x", [1, 3, 9, 9])], lambda g: [
        g.conv("x", 3, 4, 3, stride=2, pads=[1, 0, 2, 1]),
        g.op("MaxPool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0])], [{"x": [1, 3, 9, 9]}, {"x": [1, 3, 12, 7]}])


def op_clip_cast_opset7():
    return single(7, [("x", [1, 2, 3, 4])], lambda g: [
        g.op("Cast", [g.op("Cast", [g.op("Mul", [g.op("Clip", ["x"], min=-0.5, max=0.7), g.const(7.5)])], to=TensorProto.INT64)],
             to=TensorProto.FLOAT)])


def op_shape_opset15():
    return single(15, [("x", [1, 3, 5, 7])], lambda g: [g.op("Cast", [g.op("Shape", ["x"], start=1, end=-1)], to=TensorProto.FLOAT),
                                                         g.op("Cast", [g.op("Shape", ["x"])], to=TensorProto.FLOAT)],
                  [{"x": [1, 3, 5, 7]}, {"x": [1, 3, 2, 9]}])


FIXTURES = {
    "nanotrack_v1_backbone_block": v1_backbone_block, "nanotrack_v1_head": v1_head, "nanotrack_v3_head": v3_head,
    "siamfc_alexnet": siamfc_alexnet, "op_concat": op_concat, "op_slice": op_slice, "op_slice_opset9": op_slice_opset9,
    "op_gather": op_gather, "op_squeeze_unsqueeze_opset11": lambda: op_squeeze_unsqueeze(11),
    "op_squeeze_unsqueeze_opset13": lambda: op_squeeze_unsqueeze(13), "op_softmax_opset11": lambda: op_softmax(11),
    "op_softmax_opset13": lambda: op_softmax(13), "op_pad_opset7": lambda: op_pad(7), "op_pad_opset11": lambda: op_pad(11),
    "op_reducemean_opset13": lambda: op_reducemean(13), "op_reducemean_opset18": lambda: op_reducemean(18),
    "op_asymmetric_pads": op_asymmetric_pads, "op_clip_cast_opset7": op_clip_cast_opset7, "op_shape_opset15": op_shape_opset15,
}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        array = tensors[name]
        data = array.astype("<f2" if array.dtype == np.float16 else "<f4").tobytes()
        header[name] = {"dtype": "F16" if array.dtype == np.float16 else "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for name, make in FIXTURES.items():
        model, runs = make()
        # onnxruntime holds inputs to their declared sizes: it runs a copy with free spatial sizes.
        free = onnx.ModelProto()
        free.CopyFrom(model)
        for value in free.graph.input:
            dims = value.type.tensor_type.shape.dim
            for i in range(2, len(dims)) if len(dims) == 4 else []:
                dims[i].dim_param = f"{value.name}_{i}"
        session = ort.InferenceSession(free.SerializeToString(), providers=["CPUExecutionProvider"])
        tensors = {}
        for r, shapes in enumerate(runs):
            feeds = {n: rng.normal(0, 1, s).astype(np.float16) for n, s in shapes.items()}
            outputs = session.run(None, {n: v.astype(np.float32) for n, v in feeds.items()})
            for n, v in feeds.items():
                tensors[f"{r}/in/{n}"] = v
            for o, v in zip(session.get_outputs(), outputs):
                tensors[f"{r}/out/{o.name}"] = np.asarray(v, dtype=np.float32)
        onnx.save(model, os.path.join(OUT, name + ".onnx"))
        write_safetensors(os.path.join(OUT, name + ".safetensors"), tensors)
        size = os.path.getsize(os.path.join(OUT, name + ".onnx")) + os.path.getsize(os.path.join(OUT, name + ".safetensors"))
        total += size
        print(f"{name}: {len(runs)} runs, {size} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
