import SiamFCSupport

extension Pooling {
    /// Average pooling; padded cells count as zeros (PyTorch's `count_include_pad`).
    static func averageForward(_ g: PoolingGeometry, _ input: Tensor) -> Tensor {
        let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        let norm = 1 / Float(k * k)
        return input.withBaseAddress { src in
            Tensor(uninitialized: g.outShape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                Parallel.forEachChunk(g.batch * g.channels, costPerItem: oh * ow * k * k) { planes in
                    for plane in planes {
                        let xin = x.value + plane * h * w
                        let yout = y.value + plane * oh * ow
                        for oy in 0..<oh {
                            let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                            for ox in 0..<ow {
                                let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                                var total: Float = 0
                                for iy in y0..<y1 {
                                    for ix in x0..<x1 { total += xin[iy * w + ix] }
                                }
                                yout[oy * ow + ox] = total * norm
                            }
                        }
                    }
                }
            })
        }
    }

    static func averageBackward(_ g: PoolingGeometry, _ dy: Tensor) -> Tensor {
        let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        let norm = 1 / Float(k * k)
        precondition(dy.shape == g.outShape, "Pooling.averageBackward: gradient \(dy.shape) for output \(g.outShape)")
        var dx = Tensor(zeros: [g.batch, g.channels, h, w])
        dy.withBaseAddress { gy in
            dx.withMutableBaseAddress { gx in
                let src = UncheckedSendable(gy), dst = UncheckedSendable(gx)
                Parallel.forEachChunk(g.batch * g.channels, costPerItem: oh * ow * k * k) { planes in
                    for plane in planes {
                        let din = dst.value + plane * h * w
                        let dout = src.value + plane * oh * ow
                        for oy in 0..<oh {
                            let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                            for ox in 0..<ow {
                                let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                                let share = dout[oy * ow + ox] * norm
                                for iy in y0..<y1 {
                                    for ix in x0..<x1 { din[iy * w + ix] += share }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }}

extension Tensor {
    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let g = try PoolingGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
        return Pooling.averageForward(g, self)
    }
}
