import SiamFCEngine
import SiamFCImageIO

/// Square crops around a point, padded with a constant colour where they leave the frame, then
/// resized: siamfc-pytorch's `crop_and_resize`, on Float32 pixels.
public enum PatchCropper {
    /// A `[1, 3, output, output]` crop (RGB, 0...255) of the `size x size` square centred on
    /// `(centerX, centerY)` (0-based pixel coordinates). As siamfc-pytorch: the side is rounded,
    /// the corner is `round(center − (side − 1)/2)` (half to even, as NumPy), pixels outside
    /// the frame take `fill`, and the square is resized bilinearly as OpenCV's `INTER_LINEAR`.
    public static func crop(_ frame: RGBImage, centerX: Double, centerY: Double, size: Double, output: Int,
                     fill: (Float, Float, Float)) throws -> Tensor {
        let side = max(1, Int(size.rounded(.toNearestOrEven)))
        let x0 = Int((centerX - Double(side - 1) / 2).rounded(.toNearestOrEven))
        let y0 = Int((centerY - Double(side - 1) / 2).rounded(.toNearestOrEven))
        let (width, height) = (frame.width, frame.height)
        // Columns of the square that lie inside the frame: [left, right).
        let left = min(max(0, -x0), side), right = max(left, min(side, width - x0))
        let plane = side * side
        let patch = frame.pixels.withUnsafeBufferPointer { pixels in
            Tensor(uninitializedShape: [1, 3, side, side]) { out in
                guard let src = pixels.baseAddress, let dst = out.baseAddress else { return }
                let fills = [fill.0, fill.1, fill.2]
                for r in 0..<side {
                    let y = y0 + r
                    for c in 0..<3 {
                        let row = dst + c * plane + r * side
                        if y < 0 || y >= height {
                            row.update(repeating: fills[c], count: side)
                            continue
                        }
                        if left > 0 { row.update(repeating: fills[c], count: left) }
                        let line = src + (y * width + x0) * 3 + c
                        for k in left..<right { row[k] = Float(line[3 * k]) }
                        if right < side { (row + right).update(repeating: fills[c], count: side - right) }
                    }
                }
            }
        }
        return try patch.resized(height: output, width: output, interpolation: .bilinear)
    }

    /// The mean colour of a frame, Float32 per channel: the padding colour of every crop.
    public static func meanColor(_ frame: RGBImage) -> (Float, Float, Float) {
        let means = frame.channelMeans()
        return (Float(means.red), Float(means.green), Float(means.blue))
    }
}
