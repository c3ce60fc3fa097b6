import SiamFCSupport

/// The column matrix of a convolution and its transpose: every kernel tap's view of the
/// input as one row, so that the convolution becomes a GEMM.
extension Convolution {
    /// Adds the columns of `col` back into the image gradient: the transpose of im2col.
    static func col2im(_ g: ConvolutionGeometry, col: UnsafePointer<Float>, channel0: Int,
                       image: UnsafeMutablePointer<Float>) {
        let (kh, kw, s, p) = (g.kernelHeight, g.kernelWidth, g.stride, g.padding)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        for cl in 0..<g.groupIn {
            let plane = image + (channel0 + cl) * h * w
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = (cl * kh + ky) * kw + kx
                    let src = col + row * oh * ow
                    let x0 = min(ow, max(0, (p - kx + s - 1) / s))
                    let x1 = max(x0, min(ow, (w + p - kx + s - 1) / s))
                    for oy in 0..<oh {
                        let iy = oy * s - p + ky
                        if iy < 0 || iy >= h { continue }
                        let dst = plane + iy * w
                        let line = src + oy * ow
                        var ix = x0 * s - p + kx
                        for ox in x0..<x1 {
                            dst[ix] += line[ox]
                            ix += s
                        }
                    }
                }
            }
        }
    }

    /// Fills `col` (`patchSize x count`, row-major) with the patches of output pixels
    /// `start ..< start + count` (flattened `oy * outWidth + ox`) of one image and group.
    ///
    /// For strides above 1, `phases` holds the image with each row split into its stride
    /// phases (see ``splitPhases``), so that every copy below is contiguous.
    static func im2colBlock(_ g: ConvolutionGeometry, image: UnsafePointer<Float>, phases: UnsafePointer<Float>?,
                            channel0: Int, start: Int, count: Int, col: UnsafeMutablePointer<Float>) {
        let (kh, kw, s, p) = (g.kernelHeight, g.kernelWidth, g.stride, g.padding)
        let (h, w, ow) = (g.height, g.width, g.outWidth)
        let phaseWidth = (w + s - 1) / s
        let end = start + count
        for row in 0..<g.patchSize {
            let kx = row % kw
            let ky = (row / kw) % kh
            let channel = channel0 + row / (kw * kh)
            let plane = image + channel * h * w
            // Input column of output column ox: s·ox + q, found in phase r at index ox + d.
            let q = kx - p
            let r = ((q % s) + s) % s
            let d = (q - r) / s
            // Output columns whose input column is inside the image: ox in [x0, x1).
            let x0 = min(ow, max(0, (p - kx + s - 1) / s))
            let x1 = max(x0, min(ow, (w + p - kx + s - 1) / s))
            var dst = col + row * count
            var pixel = start
            while pixel < end {
                let oy = pixel / ow
                let a = pixel - oy * ow
                let b = min(ow, a + (end - pixel))
                let iy = oy * s - p + ky
                if iy < 0 || iy >= h {
                    dst.update(repeating: 0, count: b - a)
                } else {
                    let lo = min(max(a, x0), b), hi = max(min(b, x1), lo)
                    if lo > a { dst.update(repeating: 0, count: lo - a) }
                    if s == 1 {
                        copyRun(from: plane + iy * w + (lo + q), to: dst + (lo - a), count: hi - lo)
                    } else if let phases {
                        copyRun(from: phases + (((channel * h + iy) * s + r) * phaseWidth + d + lo), to: dst + (lo - a),
                                count: hi - lo)
                    } else {
                        let src = plane + iy * w
                        var ix = lo * s + q
                        for ox in lo..<hi {
                            dst[ox - a] = src[ix]
                            ix += s
                        }
                    }
                    if b > hi { (dst + (hi - a)).update(repeating: 0, count: b - hi) }
                }
                dst += b - a
                pixel += b - a
            }
        }
    }

    /// Copies a short run (a kernel row's span of one output row, typically 20 to 130 floats)
    /// inline: a vectorised loop beats a call to `memmove` at these lengths.
    @inline(__always)
    static func copyRun(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = src[i] }
    }

    /// Splits every image row into its `stride` phases, `phase r = [x[r], x[r+s], x[r+2s], …]`,
    /// so that a strided convolution reads contiguous runs: `[batch·C, H, s, ⌈W/s⌉]`.
    static func splitPhases(_ g: ConvolutionGeometry, input: UnsafePointer<Float>) -> ScratchBuffer {
        let (h, w, s) = (g.height, g.width, g.stride)
        let phaseWidth = (w + s - 1) / s
        let buffer = ScratchBuffer(count: g.batch * g.inChannels * h * s * phaseWidth)
        let (src, dst) = (UncheckedSendable(input), UncheckedSendable(buffer.pointer))
        Parallel.forEachChunk(g.batch * g.inChannels * h, costPerItem: w) { rows in
            for row in rows {
                let from = src.value + row * w
                let to = dst.value + row * s * phaseWidth
                for phase in 0..<s {
                    let out = to + phase * phaseWidth
                    let count = (w - phase + s - 1) / s
                    for j in 0..<count { out[j] = from[j * s + phase] }
                    // The short last phase is padded so that every phase row is fully defined.
                    if count < phaseWidth { (out + count).update(repeating: 0, count: phaseWidth - count) }
                }
            }
        }
        return buffer
    }
}
