import SiamFCSupport

extension Pooling {
    /// Max pooling; when `argmax` is given, records the flat input index of each maximum
    /// (within its plane) for the backward pass. NaN propagates, as in PyTorch. With `relu`,
    /// outputs are clamped at zero: `relu(maxpool(x)) = maxpool(relu(x))`, on 4x fewer values.
    static func maxForward(_ g: PoolingGeometry, _ input: Tensor, argmax: UnsafeMutablePointer<Int32>?,
                           relu: Bool = false) -> Tensor {
        if g.padding == 0 {
            if let argmax { return maxForwardRecording(g, input, argmax: argmax, relu: relu) }
            return maxForwardInference(g, input, relu: relu)
        }
        let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        let floor: Float = relu ? 0 : -.infinity
        return input.withBaseAddress { src in
            Tensor(uninitialized: g.outShape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                let arg = UncheckedSendable(argmax)
                Parallel.forEachChunk(g.batch * g.channels, costPerItem: oh * ow * k * k) { planes in
                    for plane in planes {
                        let xin = x.value + plane * h * w
                        let yout = y.value + plane * oh * ow
                        for oy in 0..<oh {
                            let y0 = max(0, oy * s - p), y1 = min(h, oy * s - p + k)
                            for ox in 0..<ow {
                                let x0 = max(0, ox * s - p), x1 = min(w, ox * s - p + k)
                                var best = -Float.infinity
                                var bestIndex = y0 * w + x0
                                for iy in y0..<y1 {
                                    let row = xin + iy * w
                                    for ix in x0..<x1 where row[ix] > best || (row[ix].isNaN && !best.isNaN) {
                                        best = row[ix]
                                        bestIndex = iy * w + ix
                                    }
                                }
                                yout[oy * ow + ox] = best.isNaN ? best : max(best, floor)
                                arg.value?[plane * oh * ow + oy * ow + ox] = Int32(bestIndex)
                            }
                        }
                    }
                }
            })
        }
    }

    /// Training without padding: every window lies inside the image, so the loop needs no
    /// clamping; the index of each maximum is kept for the backward pass.
    static func maxForwardRecording(_ g: PoolingGeometry, _ input: Tensor, argmax: UnsafeMutablePointer<Int32>,
                                    relu: Bool) -> Tensor {
        let (h, w, oh, ow, k, s) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride)
        let floor: Float = relu ? 0 : -.infinity
        return input.withBaseAddress { src in
            Tensor(uninitialized: g.outShape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                let arg = UncheckedSendable(argmax)
                Parallel.forEachChunk(g.batch * g.channels, costPerItem: oh * ow * k * k) { planes in
                    for plane in planes {
                        let xin = x.value + plane * h * w
                        let yout = y.value + plane * oh * ow
                        let indices = arg.value + plane * oh * ow
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                let corner = oy * s * w + ox * s
                                var best = xin[corner], bestIndex = corner
                                for i in 0..<k {
                                    let row = corner + i * w
                                    for j in 0..<k {
                                        let v = xin[row + j]
                                        if v > best || v != v { best = v; bestIndex = row + j }
                                    }
                                }
                                yout[oy * ow + ox] = best.isNaN ? best : max(best, floor)
                                indices[oy * ow + ox] = Int32(bestIndex)
                            }
                        }
                    }
                }
            })
        }
    }

    /// Inference without padding: the maximum over the window's rows first (contiguous, so the
    /// compiler vectorises it), then over its columns.
    static func maxForwardInference(_ g: PoolingGeometry, _ input: Tensor, relu: Bool) -> Tensor {
        let (h, w, oh, ow, k, s) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride)
        let floor: Float = relu ? 0 : -.infinity
        return input.withBaseAddress { src in
            Tensor(uninitialized: g.outShape, pointer: { dst in
                let x = UncheckedSendable(src), y = UncheckedSendable(dst)
                Parallel.forEachChunk(g.batch * g.channels, costPerItem: oh * w * k) { planes in
                    let rowMax = UnsafeMutablePointer<Float>.allocate(capacity: max(w, 1))
                    defer { rowMax.deallocate() }
                    for plane in planes {
                        let xin = x.value + plane * h * w
                        let yout = y.value + plane * oh * ow
                        for oy in 0..<oh {
                            let first = xin + oy * s * w
                            rowMax.update(from: first, count: w)
                            for i in 1..<k {
                                let row = first + i * w
                                for ix in 0..<w {
                                    let v = row[ix], m = rowMax[ix]
                                    rowMax[ix] = (v > m || v != v) ? v : m
                                }
                            }
                            let out = yout + oy * ow
                            for ox in 0..<ow {
                                let window = rowMax + ox * s
                                var best = floor
                                for j in 0..<k {
                                    let v = window[j]
                                    best = (v > best || v != v) ? v : best
                                }
                                out[ox] = best
                            }
                        }
                    }
                }
            })
        }
    }
    /// The input gradient of max pooling: each output's gradient goes to the input that was
    /// its maximum, at the index ``maxForward(_:_:argmax:relu:)`` recorded within its plane.
    static func maxBackward(_ g: PoolingGeometry, _ dy: Tensor, argmax: UnsafePointer<Int32>) -> Tensor {
        precondition(dy.shape == g.outShape, "Pooling.maxBackward: gradient \(dy.shape) for output \(g.outShape)")
        var dx = Tensor(zeros: [g.batch, g.channels, g.height, g.width])
        let plane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        dy.withBaseAddress { gy in
            dx.withMutableBaseAddress { gx in
                for i in 0..<dy.count {
                    gx[(i / outPlane) * plane + Int(argmax[i])] += gy[i]
                }
            }
        }
        return dx
    }
}

extension Tensor {
    /// Max pooling for inference; `relu: true` also clamps the result at zero, which equals
    /// pooling after a ReLU at a quarter of the cost.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0, relu: Bool = false) throws -> Tensor {
        let g = try PoolingGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
        return Pooling.maxForward(g, self, argmax: nil, relu: relu)
    }
}
