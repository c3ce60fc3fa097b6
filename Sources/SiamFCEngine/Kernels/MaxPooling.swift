import SiamFCSupport
/// Max and average pooling over NCHW tensors, square windows, no ceil mode (PyTorch's defaults).
public struct PoolingGeometry: Sendable, Equatable {
    public let batch, channels, height, width: Int
    public let kernel, stride, padding: Int
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }

    public init(input: [Int], kernel: Int, stride: Int, padding: Int = 0, op: String) throws {
        guard input.count == 4 else { throw EngineError("\(op): input must be NCHW, got shape \(input)") }
        guard kernel >= 1, stride >= 1, padding >= 0, padding * 2 <= kernel else {
            throw EngineError("\(op): kernel \(kernel), stride \(stride), padding \(padding) out of range")
        }
        guard input[2] + 2 * padding >= kernel, input[3] + 2 * padding >= kernel else {
            throw EngineError("\(op): window \(kernel) larger than input \(input)")
        }
        batch = input[0]; channels = input[1]; height = input[2]; width = input[3]
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    var outShape: [Int] { [batch, channels, outHeight, outWidth] }
}

enum Pooling {
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
        return input.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: g.outShape) { dst in
                let x = UncheckedSendable(src.baseAddress!), y = UncheckedSendable(dst.baseAddress!)
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
            }
        }
    }

    /// Training without padding: every window lies inside the image, so the loop needs no
    /// clamping; the index of each maximum is kept for the backward pass.
    static func maxForwardRecording(_ g: PoolingGeometry, _ input: Tensor, argmax: UnsafeMutablePointer<Int32>,
                                    relu: Bool) -> Tensor {
        let (h, w, oh, ow, k, s) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride)
        let floor: Float = relu ? 0 : -.infinity
        return input.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: g.outShape) { dst in
                let x = UncheckedSendable(src.baseAddress!), y = UncheckedSendable(dst.baseAddress!)
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
            }
        }
    }

    /// Inference without padding: the maximum over the window's rows first (contiguous, so the
    /// compiler vectorises it), then over its columns.
    static func maxForwardInference(_ g: PoolingGeometry, _ input: Tensor, relu: Bool) -> Tensor {
        let (h, w, oh, ow, k, s) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride)
        let floor: Float = relu ? 0 : -.infinity
        return input.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: g.outShape) { dst in
                let x = UncheckedSendable(src.baseAddress!), y = UncheckedSendable(dst.baseAddress!)
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
            }
        }
    }

    /// Average pooling; padded cells count as zeros (PyTorch's `count_include_pad`).
    static func averageForward(_ g: PoolingGeometry, _ input: Tensor) -> Tensor {
        let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        let norm = 1 / Float(k * k)
        return input.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: g.outShape) { dst in
                let x = UncheckedSendable(src.baseAddress!), y = UncheckedSendable(dst.baseAddress!)
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
            }
        }
    }

    static func averageBackward(_ g: PoolingGeometry, _ dy: Tensor) -> Tensor {
        let (h, w, oh, ow, k, s, p) = (g.height, g.width, g.outHeight, g.outWidth, g.kernel, g.stride, g.padding)
        let norm = 1 / Float(k * k)
        var dx = Tensor(zeros: [g.batch, g.channels, h, w])
        dy.withUnsafeBufferPointer { gy in
            dx.withUnsafeMutableBufferPointer { gx in
                let src = UncheckedSendable(gy.baseAddress!), dst = UncheckedSendable(gx.baseAddress!)
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
    }
}

/// Max pooling with a `kernel x kernel` window (AlexNet: 3, stride 2).
public func maxPool2d(_ x: Variable, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
    let g = try PoolingGeometry(input: x.shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
    guard x.requiresGrad, !Variable.gradientsDisabled else { return Variable(Pooling.maxForward(g, x.value, argmax: nil)) }
    let outCount = g.outShape.reduce(1, *)
    let indices = IndexBuffer(count: outCount)
    let y = Pooling.maxForward(g, x.value, argmax: indices.pointer)
    return Variable(y, inputs: [x]) { dy, inputs in
        var dx = Tensor(zeros: inputs[0].shape)
        let plane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        dy.withUnsafeBufferPointer { gy in
            dx.withUnsafeMutableBufferPointer { gx in
                for i in 0..<outCount {
                    gx[(i / outPlane) * plane + Int(indices.pointer[i])] += gy[i]
                }
            }
        }
        inputs[0].accumulate(dx)
    }
}

/// Average pooling with a `kernel x kernel` window.
public func avgPool2d(_ x: Variable, kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Variable {
    let g = try PoolingGeometry(input: x.shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
    return Variable(Pooling.averageForward(g, x.value), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Pooling.averageBackward(g, dy))
    }
}

extension Tensor {
    /// Max pooling for inference; `relu: true` also clamps the result at zero, which equals
    /// pooling after a ReLU at a quarter of the cost.
    public func maxPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0, relu: Bool = false) throws -> Tensor {
        let g = try PoolingGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
        return Pooling.maxForward(g, self, argmax: nil, relu: relu)
    }

    public func avgPool2d(kernel: Int, stride: Int? = nil, padding: Int = 0) throws -> Tensor {
        let g = try PoolingGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
        return Pooling.averageForward(g, self)
    }
}

/// Argmax indices kept alive by the backward closure.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>
    init(count: Int) { pointer = .allocate(capacity: max(count, 1)) }
    deinit { pointer.deallocate() }
}
