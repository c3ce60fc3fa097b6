#!/usr/bin/env python3
"""Development check of our light model's ONNX export against onnxruntime and OpenCV's DNN.

usage: python3 scripts/light-onnx-parity.py DIR
  DIR holds backbone.onnx and head.onnx (siamfc export --onnx DIR) and light.safetensors (the
  same network, siamfc export ... --safetensors DIR/light.safetensors).

Runs both graphs in onnxruntime (2 threads) and in OpenCV's DNN on a random 127 template and 255
search crop (seed 0), prints their agreement and onnxruntime's median times, and writes
DIR/ort_io.safetensors (inputs and onnxruntime's outputs). Then
  SIAMFC_LIGHT_ORT_DIR=DIR swift test -c release -Xswiftc -enable-testing --filter onnxruntimeParity
compares the engine's inference with them.  Needs: pip install onnxruntime opencv-contrib-python-headless numpy
"""
import json, os, struct, sys, time
import numpy as np
import onnxruntime as ort

d = sys.argv[1]
rng = np.random.default_rng(0)
z = rng.integers(0, 256, (1, 3, 127, 127)).astype(np.float32)
x = rng.integers(0, 256, (1, 3, 255, 255)).astype(np.float32)
options = ort.SessionOptions(); options.intra_op_num_threads = 2
backbone = ort.InferenceSession(os.path.join(d, "backbone.onnx"), options)
head = ort.InferenceSession(os.path.join(d, "head.onnx"), options)
zf = backbone.run(["output"], {"input": z})[0]
xf = backbone.run(["output"], {"input": x})[0]
cls, reg = head.run(["output1", "output2"], {"input1": zf, "input2": xf})
tensors = {"template_crop": z, "search_crop": x, "template_feature": zf, "search_feature": xf, "cls": cls, "reg": reg}

def median_ms(f, n=50):
    f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return 1e3 * float(np.median(ts))
print("onnxruntime %s, median ms: backbone 255 %.2f, backbone 127 %.2f, head %.2f" % (
    ort.__version__, median_ms(lambda: backbone.run(["output"], {"input": x})),
    median_ms(lambda: backbone.run(["output"], {"input": z})),
    median_ms(lambda: head.run(["output1", "output2"], {"input1": zf, "input2": xf}))))

try:
    import cv2
    rel = lambda a, b: float(np.abs(a - b).max() / np.abs(b).max())
    net = cv2.dnn.readNet(os.path.join(d, "backbone.onnx"))
    net.setInput(z); czf = net.forward()
    net.setInput(x); cxf = net.forward()
    h = cv2.dnn.readNet(os.path.join(d, "head.onnx"))
    h.setInput(zf, "input1"); h.setInput(xf, "input2")
    ccls, creg = h.forward(["output1", "output2"])
    print("OpenCV %s against onnxruntime (max |a-b| / max |b|): template %.2e, search %.2e, cls %.2e, reg %.2e" % (
        cv2.__version__, rel(czf, zf), rel(cxf, xf), rel(ccls, cls), rel(creg, reg)))
except ImportError:
    print("OpenCV not installed: skipped")

header, offset, blobs = {}, 0, []
for name in sorted(tensors):
    data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
    offset += len(data); blobs.append(data)
text = json.dumps(header).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(os.path.join(d, "ort_io.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text))); f.write(text)
    for b in blobs: f.write(b)
print("wrote", os.path.join(d, "ort_io.safetensors"))
