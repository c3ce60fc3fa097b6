import CImageKernels
import SiamFCSupport

/// Bilinear resizing of 8-bit images in fixed point, bit-exact with OpenCV's `resize` with
/// `INTER_LINEAR` on 8-bit 3-channel images.
///
/// A Float32 bilinear resize differs from it by one grey level on about one pixel in eight, which
/// is enough to move a NanoTrack tracker's box by tens of pixels after a few hundred frames; so
/// crops that feed models trained and deployed with OpenCV go through this. The arithmetic:
/// 11-bit weights `round(2048·(1 − f))` and `round(2048·f)`, horizontal sums in Int32, vertical
/// sums of the sums shifted right by 4 then by 16, and a final `(v + 2) >> 2`. Sampling maps each
/// output pixel centre to `(d + 0.5)·in/out − 0.5`; columns before the first or after the last
/// source column take that column alone, rows clamp their two indices.
public enum FixedPointResize {
    /// `image` resized to `width x height` (both positive).
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        resizeWindow(of: image, x: 0, y: 0, width: image.width, height: image.height, fill: (0, 0, 0),
                     toWidth: width, toHeight: height)
    }

    /// The `width x height` window of `image` whose top-left pixel is `(x, y)` (0-based; the window
    /// may extend past the image, whose missing pixels take `fill`), resized to
    /// `toWidth x toHeight`. The same as padding the image with `fill`, cropping and resizing,
    /// without building the padded image. All sizes must be positive.
    public static func resizeWindow(of image: RGBImage, x: Int, y: Int, width: Int, height: Int,
                                    fill: (UInt8, UInt8, UInt8), toWidth: Int, toHeight: Int) -> RGBImage {
        var output = [UInt8](repeating: 0, count: toWidth * toHeight * 3)
        output.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            forEachRow(of: image, x: x, y: y, width: width, height: height, fill: fill, toWidth: toWidth, toHeight: toHeight) { dy, row in
                (base + dy * toWidth * 3).update(from: row, count: toWidth * 3)
            }
        }
        return RGBImage(uncheckedWidth: toWidth, height: toHeight, pixels: output)
    }

    /// As ``resizeWindow(of:x:y:width:height:fill:toWidth:toHeight:)``, written as planar
    /// Float32 `3 x toHeight x toWidth` (R, G, B planes; values 0–255) into `destination`: the
    /// layout of a network's input tensor.
    public static func resizeWindowPlanar(of image: RGBImage, x: Int, y: Int, width: Int, height: Int,
                                          fill: (UInt8, UInt8, UInt8), toWidth: Int, toHeight: Int,
                                          into destination: UnsafeMutablePointer<Float>) {
        resizeRows(of: image, x: x, y: y, width: width, height: height, fill: fill, toWidth: toWidth,
                   toHeight: toHeight, output: .planar(destination))
    }

    /// Computes the resized window row by row and hands each finished row of `toWidth` RGB
    /// pixels to `emit`, with its index. Rows are split between the cores, so `emit` is called
    /// concurrently for different rows (each exactly once); the results do not depend on the split.
    static func forEachRow(of image: RGBImage, x: Int, y: Int, width: Int, height: Int, fill: (UInt8, UInt8, UInt8),
                           toWidth: Int, toHeight: Int, emit: (Int, UnsafePointer<UInt8>) -> Void) {
        withoutActuallyEscaping(emit) { emit in
            resizeRows(of: image, x: x, y: y, width: width, height: height, fill: fill, toWidth: toWidth,
                       toHeight: toHeight, output: .rows(emit))
        }
    }

    /// Where finished rows go: handed over as RGB bytes, or written as Float32 into the R, G and
    /// B planes (`toHeight x toWidth` each) of a buffer, with no byte row in between.
    private enum Output {
        case rows((Int, UnsafePointer<UInt8>) -> Void)
        case planar(UnsafeMutablePointer<Float>)
    }

    private static func resizeRows(of image: RGBImage, x: Int, y: Int, width: Int, height: Int, fill: (UInt8, UInt8, UInt8),
                                   toWidth: Int, toHeight: Int, output: Output) {
        precondition(width > 0 && height > 0 && toWidth > 0 && toHeight > 0, "FixedPointResize: empty size")
        let columns = taps(input: width, output: toWidth, clampingWeights: true)
        let rows = taps(input: height, output: toHeight, clampingWeights: false)
        // Column byte offsets and weights, shared by every row.
        let table = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * toWidth)
        defer { table.deallocate() }
        for d in 0..<toWidth {
            table[d] = Int32(columns.index0[d] * 3)
            table[toWidth + d] = Int32(columns.index1[d] * 3)
            table[2 * toWidth + d] = Int32(columns.weight0[d])
            table[3 * toWidth + d] = Int32(columns.weight1[d])
        }
        image.pixels.withUnsafeBufferPointer { pixels in
            Parallel.forEachChunk(toHeight, costPerItem: toWidth * 12) { range in
                resizeRows(range, pixels: pixels, image: image, x: x, y: y, width: width, fill: fill, toWidth: toWidth,
                           toHeight: toHeight, columns: UnsafePointer(table), rows: rows, output: output)
            }
        }
    }

    /// The output rows `range`, with scratch buffers of their own.
    private static func resizeRows(_ range: Range<Int>, pixels: UnsafeBufferPointer<UInt8>, image: RGBImage, x: Int, y: Int,
                                   width: Int, fill: (UInt8, UInt8, UInt8), toWidth: Int, toHeight: Int,
                                   columns: UnsafePointer<Int32>, rows: Taps, output: Output) {
        let outWidth = toWidth * 3
        let offset0 = columns, offset1 = columns + toWidth, weight0 = columns + 2 * toWidth, weight1 = columns + 3 * toWidth
        // Two rows of horizontal sums (interleaved, or three planes `stride` apart); the padded
        // source row, the fill row and the output row. Each row has slack at its end: the
        // interleaved horizontal pass loads and stores four values where it needs three.
        let stride = toWidth + 8, slot = 3 * stride
        let sums = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * slot)
        let rowBytes = width * 3 + 8
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * rowBytes + outWidth)
        defer { sums.deallocate(); bytes.deallocate() }
        let padded = bytes, fillRow = bytes + rowBytes, rowOut = bytes + 2 * rowBytes
        padded.initialize(repeating: 0, count: 2 * rowBytes)
        for i in 0..<width {
            fillRow[3 * i] = fill.0; fillRow[3 * i + 1] = fill.1; fillRow[3 * i + 2] = fill.2
        }
        // Every source row is copied into the padded row (a few hundred bytes), so that the loads
        // past its last pixel stay inside the buffer.
        let left = min(max(0, -x), width), right = max(left, min(width, image.width - x))
        func sourceRow(_ r: Int) -> UnsafePointer<UInt8> {
            let iy = y + r
            guard iy >= 0, iy < image.height, let base = pixels.baseAddress else { return UnsafePointer(fillRow) }
            let line = base + iy * image.width * 3
            if left > 0 { padded.update(from: fillRow, count: left * 3) }
            (padded + left * 3).update(from: line + (x + left) * 3, count: (right - left) * 3)
            if right < width { (padded + right * 3).update(from: fillRow + right * 3, count: (width - right) * 3) }
            return UnsafePointer(padded)
        }
        func horizontal(_ r: Int, into h: UnsafeMutablePointer<Int32>) {
            if case .planar = output {
                sfc_resize_horizontal_planar(sourceRow(r), offset0, offset1, weight0, weight1, Int32(toWidth), h, Int32(stride))
            } else {
                sfc_resize_horizontal_rgb(sourceRow(r), offset0, offset1, weight0, weight1, Int32(toWidth), h)
            }
        }
        let slots = [sums, sums + slot]
        var cached = (-1, -1)
        for dy in range {
            let r0 = rows.index0[dy], r1 = rows.index1[dy]
            // Reuse the sums of rows already computed (neighbouring output rows share source rows).
            let s0: Int
            if cached.0 == r0 { s0 = 0 } else if cached.1 == r0 { s0 = 1 } else {
                s0 = cached.0 == r1 ? 1 : 0
                horizontal(r0, into: slots[s0])
                if s0 == 0 { cached.0 = r0 } else { cached.1 = r0 }
            }
            var s1 = s0
            if r1 != r0 {
                s1 = 1 - s0
                if (s1 == 0 ? cached.0 : cached.1) != r1 {
                    horizontal(r1, into: slots[s1])
                    if s1 == 0 { cached.0 = r1 } else { cached.1 = r1 }
                }
            }
            let (b0, b1) = (Int32(rows.weight0[dy]), Int32(rows.weight1[dy]))
            switch output {
            case .rows(let emit):
                sfc_resize_vertical(slots[s0], slots[s1], b0, b1, Int32(outWidth), rowOut)
                emit(dy, rowOut)
            case .planar(let destination):
                for c in 0..<3 {
                    sfc_resize_vertical_float(slots[s0] + c * stride, slots[s1] + c * stride, b0, b1, Int32(toWidth),
                                              destination + (c * toHeight + dy) * toWidth)
                }
            }
        }
    }

    /// Source indices and 11-bit weights of each output coordinate along one axis.
    struct Taps {
        var index0: [Int], index1: [Int]
        var weight0: [Int16], weight1: [Int16]
    }

    /// Columns (`clampingWeights`) put all the weight on the edge column outside the source;
    /// rows keep their fraction and clamp both indices.
    static func taps(input: Int, output: Int, clampingWeights: Bool) -> Taps {
        // The scale as OpenCV derives it, from the inverse ratio.
        let scale = 1 / (Double(output) / Double(input))
        var taps = Taps(index0: [], index1: [], weight0: [], weight1: [])
        for d in 0..<output {
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var i = Int(f.rounded(.down))
            f -= Float(i)
            if clampingWeights {
                if i < 0 { (i, f) = (0, 0) }
                if i >= input - 1 { (i, f) = (input - 1, 0) }
            }
            let w0 = Int16((2048 * (1 - f)).rounded(.toNearestOrEven))
            let w1 = Int16((2048 * f).rounded(.toNearestOrEven))
            taps.index0.append(min(max(i, 0), input - 1))
            taps.index1.append(min(max(i + 1, 0), input - 1))
            taps.weight0.append(w0)
            taps.weight1.append(w1)
        }
        return taps
    }
}
