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
        return withUnsafeBufferPointer { source in
            Tensor(uninitializedShape: outShape) { out in
                guard let src = source.baseAddress, let dst = out.baseAddress else { return }
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
            }
        }
    }

    /// Resizes one `srcHeight x srcWidth` plane into a `height x width` plane (row-major, no
    /// padding) as ``resized(height:width:interpolation:)`` does. Sizes must be positive.
    static func resizePlane(
        _ src: UnsafePointer<Float>, srcHeight: Int, srcWidth: Int,
        into dst: UnsafeMutablePointer<Float>, height: Int, width: Int, interpolation: Interpolation
    ) {
        guard srcHeight > 0, srcWidth > 0, height > 0, width > 0 else { return }
        let plan = ResizePlan(srcHeight: srcHeight, srcWidth: srcWidth, height: height, width: width,
                              interpolation: interpolation)
        plan.run(src, dst, rows: 0..<height)
    }
}

/// Per-column and per-row source taps (clamped to the image) and their Float32 weights, computed
/// once per resize and shared by every plane.
struct ResizePlan: Sendable {
    let srcHeight: Int, srcWidth: Int, height: Int, width: Int
    /// Taps per output sample: 2 (bilinear) or 4 (bicubic).
    let taps: Int
    /// `xIndex[x * taps + k]`: source column of tap `k` of output column `x`; weights alike.
    let xIndex: [Int], xWeight: [Float]
    let yIndex: [Int], yWeight: [Float]

    init(srcHeight: Int, srcWidth: Int, height: Int, width: Int, interpolation: Interpolation) {
        self.srcHeight = srcHeight
        self.srcWidth = srcWidth
        self.height = height
        self.width = width
        taps = interpolation == .bilinear ? 2 : 4
        // OpenCV moves bilinear taps that fall off the left or right edge onto the border pixel
        // with weight 1 (horizontal only); vertically it just clamps the rows. Same values.
        (xIndex, xWeight) = Self.axis(source: srcWidth, destination: width, interpolation: interpolation,
                                      snapBorders: true)
        (yIndex, yWeight) = Self.axis(source: srcHeight, destination: height, interpolation: interpolation,
                                      snapBorders: false)
    }

    private static func axis(
        source: Int, destination: Int, interpolation: Interpolation, snapBorders: Bool
    ) -> ([Int], [Float]) {
        let taps = interpolation == .bilinear ? 2 : 4
        var index = [Int](repeating: 0, count: destination * taps)
        var weight = [Float](repeating: 0, count: destination * taps)
        // The source coordinate and its fraction are computed in Double (scale = 1 / (out/in), as
        // OpenCV does); only the final weights are stored as Float. A Float32 coordinate is off by
        // up to 2^-16 of a pixel near x = 300, and the Float32 cubic polynomials cancel; either
        // alone puts results 1e-4 away from OpenCV's on 0...255 data.
        let scale = 1.0 / (Double(destination) / Double(source))
        for d in 0..<destination {
            let coordinate = (Double(d) + 0.5) * scale - 0.5
            let floored = coordinate.rounded(.down)
            var s = Int(floored)
            var f = coordinate - floored
            switch interpolation {
            case .bilinear:
                if snapBorders {
                    if s < 0 { s = 0; f = 0 }
                    if s >= source - 1 { s = source - 1; f = 0 }
                }
                weight[d * 2] = Float(1 - f)
                weight[d * 2 + 1] = Float(f)
            case .bicubic:
                // Keys' kernel, a = -0.75, at distances 1 + f, f, 1 - f and 2 - f.
                let a = -0.75
                let w0 = ((a * (f + 1) - 5 * a) * (f + 1) + 8 * a) * (f + 1) - 4 * a
                let w1 = ((a + 2) * f - (a + 3)) * f * f + 1
                let w2 = ((a + 2) * (1 - f) - (a + 3)) * (1 - f) * (1 - f) + 1
                weight[d * 4] = Float(w0)
                weight[d * 4 + 1] = Float(w1)
                weight[d * 4 + 2] = Float(w2)
                weight[d * 4 + 3] = Float(1 - w0 - w1 - w2)
                s -= 1
            }
            for k in 0..<taps { index[d * taps + k] = min(max(s + k, 0), source - 1) }
        }
        return (index, weight)
    }

    /// Output rows `rows` of one plane: the source rows they need are resized horizontally into
    /// a scratch buffer, then combined vertically.
    func run(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        guard let first = rows.first, let last = rows.last else { return }
        yIndex.withUnsafeBufferPointer { yIndex in
            let low = yIndex[first * taps], high = yIndex[last * taps + taps - 1]
            let span = high - low + 1
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: span * width)
            defer { scratch.deallocate() }
            // Only rows some tap uses: shrinking a lot skips most source rows.
            var needed = [Bool](repeating: false, count: span)
            for i in (first * taps)..<((last + 1) * taps) { needed[yIndex[i] - low] = true }
            for r in 0..<span where needed[r] {
                horizontal(src + (low + r) * srcWidth, scratch + r * width)
            }
            yWeight.withUnsafeBufferPointer { yWeight in
                for y in rows {
                    let out = dst + y * width
                    let t = y * taps
                    if taps == 2 {
                        let s0 = scratch + (yIndex[t] - low) * width, s1 = scratch + (yIndex[t + 1] - low) * width
                        let b0 = yWeight[t], b1 = yWeight[t + 1]
                        for x in 0..<width { out[x] = s0[x] * b0 + s1[x] * b1 }
                    } else {
                        let s0 = scratch + (yIndex[t] - low) * width, s1 = scratch + (yIndex[t + 1] - low) * width
                        let s2 = scratch + (yIndex[t + 2] - low) * width, s3 = scratch + (yIndex[t + 3] - low) * width
                        let b0 = yWeight[t], b1 = yWeight[t + 1], b2 = yWeight[t + 2], b3 = yWeight[t + 3]
                        for x in 0..<width { out[x] = s0[x] * b0 + s1[x] * b1 + s2[x] * b2 + s3[x] * b3 }
                    }
                }
            }
        }
    }

    /// One row: `out[x] = Σ_k row[xIndex[x, k]] · xWeight[x, k]`.
    @inline(__always)
    private func horizontal(_ row: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        xIndex.withUnsafeBufferPointer { index in
            xWeight.withUnsafeBufferPointer { weight in
                if taps == 2 {
                    for x in 0..<width {
                        out[x] = row[index[2 * x]] * weight[2 * x] + row[index[2 * x + 1]] * weight[2 * x + 1]
                    }
                } else {
                    for x in 0..<width {
                        let i = 4 * x
                        out[x] = row[index[i]] * weight[i] + row[index[i + 1]] * weight[i + 1]
                            + row[index[i + 2]] * weight[i + 2] + row[index[i + 3]] * weight[i + 3]
                    }
                }
            }
        }
    }
}
