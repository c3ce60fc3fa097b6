extension ResizePlan {
    /// Adds the transpose of this resize applied to `dy` (one `height x width` plane) into
    /// `dx` (one `srcHeight x srcWidth` plane): each output's gradient flows back to its taps
    /// with the same weights, rows first, then columns.
    func backward(_ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: srcHeight * width)
        defer { rows.deallocate() }
        rows.initialize(repeating: 0, count: srcHeight * width)
        yIndex.withUnsafeBufferPointer { yIndex in
            yWeight.withUnsafeBufferPointer { yWeight in
                for y in 0..<height {
                    let g = dy + y * width
                    for k in 0..<taps {
                        let target = rows + yIndex[y * taps + k] * width
                        let w = yWeight[y * taps + k]
                        for x in 0..<width { target[x] += w * g[x] }
                    }
                }
            }
        }
        xIndex.withUnsafeBufferPointer { xIndex in
            xWeight.withUnsafeBufferPointer { xWeight in
                for r in 0..<srcHeight {
                    let g = rows + r * width
                    let target = dx + r * srcWidth
                    for x in 0..<width {
                        for k in 0..<taps { target[xIndex[x * taps + k]] += xWeight[x * taps + k] * g[x] }
                    }
                }
            }
        }
    }
}

/// Bilinear or bicubic resize of `[N, C, H, W]` to `[N, C, height, width]`, as
/// ``Tensor/resized(height:width:interpolation:)``, with its gradient.
public func resize(_ x: Variable, height: Int, width: Int, interpolation: Interpolation) throws -> Variable {
    let y = try x.value.resized(height: height, width: width, interpolation: interpolation)
    let (srcHeight, srcWidth) = (x.shape[2], x.shape[3])
    let planes = x.shape[0] * x.shape[1]
    return Variable(y, inputs: [x]) { dy, inputs in
        if srcHeight == height && srcWidth == width {
            inputs[0].accumulate(dy)
            return
        }
        let plan = ResizePlan(srcHeight: srcHeight, srcWidth: srcWidth, height: height, width: width,
                              interpolation: interpolation)
        var dx = Tensor(zeros: inputs[0].shape)
        dy.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { d in
                guard let g = g.baseAddress, let d = d.baseAddress else { return }
                for plane in 0..<planes {
                    plan.backward(g + plane * height * width, into: d + plane * srcHeight * srcWidth)
                }
            }
        }
        inputs[0].accumulate(dx)
    }
}
