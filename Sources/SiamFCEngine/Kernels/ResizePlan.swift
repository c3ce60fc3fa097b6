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
