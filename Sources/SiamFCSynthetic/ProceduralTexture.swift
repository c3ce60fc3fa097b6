import SiamFCSupport
/// Noise fields and textures for the synthetic sequence.
enum ProceduralTexture {
    /// Multi-octave value noise on a `width × height` grid, normalised to `[0, 1]` (mean about 0.5).
    ///
    /// Each octave halves the feature size and scales the amplitude by `persistence`. Separate
    /// horizontal and vertical feature sizes give grain (wood, brushed stone) as well as blobs.
    static func fractalNoise(
        width: Int, height: Int, periodX: Double, periodY: Double,
        octaves: Int, persistence: Double = 0.5, rng: inout SplitMix64
    ) -> [Float] {
        let width = max(width, 1)
        let height = max(height, 1)
        var field = [Float](repeating: 0, count: width * height)
        var amplitude: Float = 1
        var total: Float = 0
        var px = max(periodX, 1)
        var py = max(periodY, 1)
        for _ in 0..<max(octaves, 1) {
            addValueNoise(
                to: &field, width: width, height: height, periodX: px, periodY: py,
                amplitude: amplitude, rng: &rng)
            total += amplitude
            amplitude *= Float(persistence)
            px = max(px / 2, 1)
            py = max(py / 2, 1)
        }
        let scale = 1 / total
        field.withUnsafeMutableBufferPointer { f in
            for i in f.indices { f[i] *= scale }
        }
        return field
    }

    /// One octave: random lattice values, interpolated with a smooth (C1) blend so no lattice
    /// lines show.
    private static func addValueNoise(
        to field: inout [Float], width: Int, height: Int, periodX: Double, periodY: Double,
        amplitude: Float, rng: inout SplitMix64
    ) {
        // A random sub-cell offset keeps the lattices of different octaves from lining up at 0.
        let offsetX = rng.nextUnit()
        let offsetY = rng.nextUnit()
        let latticeWidth = Int((Double(width) / periodX).rounded(.up)) + 3
        let latticeHeight = Int((Double(height) / periodY).rounded(.up)) + 3
        var lattice = [Float](repeating: 0, count: latticeWidth * latticeHeight)
        for i in lattice.indices { lattice[i] = Float(rng.nextUnit()) }

        // Per-column cell index and weight are the same for every row.
        var columnCell = [Int](repeating: 0, count: width)
        var columnWeight = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let g = Double(x) / periodX + offsetX
            let cell = g.rounded(.down)
            columnCell[x] = min(Int(cell), latticeWidth - 2)
            columnWeight[x] = smooth(Float(g - cell))
        }
        lattice.withUnsafeBufferPointer { l in
            columnCell.withUnsafeBufferPointer { cc in
                columnWeight.withUnsafeBufferPointer { cw in
                    field.withUnsafeMutableBufferPointer { f in
                        for y in 0..<height {
                            let g = Double(y) / periodY + offsetY
                            let cell = g.rounded(.down)
                            let row = min(Int(cell), latticeHeight - 2) * latticeWidth
                            let wy = smooth(Float(g - cell))
                            for x in 0..<width {
                                let i = row + cc[x]
                                let wx = cw[x]
                                let top = l[i] + (l[i + 1] - l[i]) * wx
                                let bottom = l[i + latticeWidth]
                                    + (l[i + latticeWidth + 1] - l[i + latticeWidth]) * wx
                                f[y * width + x] += amplitude * (top + (bottom - top) * wy)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Hermite blend of `t` in `[0, 1]`.
    @inline(__always)
    static func smooth(_ t: Float) -> Float {
        t * t * (3 - 2 * t)
    }

    /// 0 below `edge0`, 1 above `edge1`, a smooth ramp between.
    @inline(__always)
    static func smoothstep(_ edge0: Float, _ edge1: Float, _ x: Float) -> Float {
        smooth(min(max((x - edge0) / (edge1 - edge0), 0), 1))
    }
}

/// An RGB texture of `Float` texels in `0 ... 255`, interleaved, rows top to bottom.
struct RGBTexture: Sendable, Equatable {
    let width: Int
    let height: Int
    let texels: [Float]

    /// Bilinear sample at texel coordinates (texel centres at integers), clamped at the border.
    /// Static over a raw buffer so the per-pixel loop of the renderer does no array bookkeeping.
    @inline(__always)
    static func sample(
        _ t: UnsafeBufferPointer<Float>, width: Int, height: Int, x: Float, y: Float
    ) -> (r: Float, g: Float, b: Float) {
        let cx = min(max(x, 0), Float(width - 1))
        let cy = min(max(y, 0), Float(height - 1))
        let x0 = Int(cx)
        let y0 = Int(cy)
        let x1 = min(x0 + 1, width - 1)
        let y1 = min(y0 + 1, height - 1)
        let wx = cx - Float(x0)
        let wy = cy - Float(y0)
        let i00 = (y0 * width + x0) * 3
        let i10 = (y0 * width + x1) * 3
        let i01 = (y1 * width + x0) * 3
        let i11 = (y1 * width + x1) * 3
        func channel(_ k: Int) -> Float {
            let top = t[i00 + k] + (t[i10 + k] - t[i00 + k]) * wx
            let bottom = t[i01 + k] + (t[i11 + k] - t[i01 + k]) * wx
            return top + (bottom - top) * wy
        }
        return (channel(0), channel(1), channel(2))
    }
}
