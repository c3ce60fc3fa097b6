import SiamFCSupport
/// Resampling kernels for ``Tensor/resized(height:width:interpolation:)``.
public enum Interpolation: Sendable {
    /// OpenCV's `INTER_LINEAR`: two taps per axis, no area averaging when shrinking.
    case bilinear
    /// OpenCV's `INTER_CUBIC`: four taps per axis, Keys kernel with a = -0.75.
    case bicubic
}

extension Tensor {
    /// [N, C, H, W] -> [N, C, height, width], matching OpenCV's `cv2.resize` on Float32 data:
    /// half-pixel centres (`src = (dst + 0.5) · in/out − 0.5`), taps clamped at the borders,
    /// separable (horizontal pass, then vertical) with Float32 weights and Float32 arithmetic.
    public func resized(height: Int, width: Int, interpolation: Interpolation) throws -> Tensor {
        guard rank == 4 else {
            throw EngineError("resize: expected an [N, C, H, W] tensor, got shape \(shape)")
        }
        guard height > 0, width > 0 else {
            throw EngineError("resize: output size \(height)x\(width) must be positive")
        }
        let (planes, srcHeight, srcWidth) = (shape[0] * shape[1], shape[2], shape[3])
        guard srcHeight > 0 && srcWidth > 0 || planes == 0 else {
            throw EngineError("resize: cannot resize an empty \(srcHeight)x\(srcWidth) image")
        }
        let (planeSize, o1) = height.multipliedReportingOverflow(by: width)
        let (total, o2) = planeSize.multipliedReportingOverflow(by: planes)
        guard !o1, !o2 else {
            throw EngineError("resize: output shape [\(shape[0]), \(shape[1]), \(height), \(width)] is too large")
        }
        let outShape = [shape[0], shape[1], height, width]
        if planes == 0 { return Tensor(zeros: outShape) }
        if srcHeight == height && srcWidth == width { return self }

        let plan = ResizePlan(srcHeight: srcHeight, srcWidth: srcWidth, height: height, width: width,
                              interpolation: interpolation)
        let srcPlane = srcHeight * srcWidth
        return withBaseAddress { src in
            Tensor(uninitialized: outShape, pointer: { dst in
                // Work items are (plane, row block). With few planes each is split into one row
                // block per core, so that 1 or 3 planes still keep 2 cores equally busy.
                let jobs = Parallel.coreCount
                let blocks = planes >= 4 * jobs ? 1 : jobs
                let items = planes * blocks
                let (source, target) = (UncheckedSendable(src), UncheckedSendable(dst))
                Parallel.forEachChunk(items, costPerItem: max(1, total * plan.taps / items)) { range in
                    for item in range {
                        let plane = item / blocks, block = item % blocks
                        let rows = (height * block / blocks)..<(height * (block + 1) / blocks)
                        plan.run(source.value + plane * srcPlane, target.value + plane * planeSize, rows: rows)
                    }
                }
            })
        }
    }

    /// Resizes one `srcHeight x srcWidth` plane into a `height x width` plane (row-major, no
    /// padding) as ``resized(height:width:interpolation:)`` does. Sizes must be positive.
    static func resizePlane(
        _ src: UnsafePointer<Float>, srcHeight: Int, srcWidth: Int,
        into dst: UnsafeMutablePointer<Float>, height: Int, width: Int, interpolation: Interpolation
    ) {
        precondition(srcHeight > 0 && srcWidth > 0 && height > 0 && width > 0,
                     "Tensor.resizePlane: sizes \(srcHeight)x\(srcWidth) -> \(height)x\(width) must be positive")
        let plan = ResizePlan(srcHeight: srcHeight, srcWidth: srcWidth, height: height, width: width,
                              interpolation: interpolation)
        plan.run(src, dst, rows: 0..<height)
    }

    /// The gradient of ``resized(height:width:interpolation:)`` with respect to its input of
    /// shape `inputShape`, for the output gradient `dy`: the transposed resize, plane by plane.
    static func resizeGradient(_ dy: Tensor, inputShape: [Int], interpolation: Interpolation) -> Tensor {
        precondition(inputShape.count == 4 && dy.rank == 4 && Array(dy.shape.prefix(2)) == Array(inputShape.prefix(2)),
                     "Tensor.resizeGradient: gradient \(dy.shape) does not fit input \(inputShape)")
        let (srcHeight, srcWidth, height, width) = (inputShape[2], inputShape[3], dy.shape[2], dy.shape[3])
        if srcHeight == height && srcWidth == width { return dy }
        let planes = inputShape[0] * inputShape[1]
        let plan = ResizePlan(srcHeight: srcHeight, srcWidth: srcWidth, height: height, width: width,
                              interpolation: interpolation)
        var dx = Tensor(zeros: inputShape)
        dy.withBaseAddress { g in
            dx.withMutableBaseAddress { d in
                for plane in 0..<planes {
                    plan.backward(g + plane * height * width, into: d + plane * srcHeight * srcWidth)
                }
            }
        }
        return dx
    }
}
