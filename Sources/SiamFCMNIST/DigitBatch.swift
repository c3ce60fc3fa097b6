import SiamFCEngine

extension DigitSet {
    /// MNIST's mean and standard deviation of pixel values in 0...1: inputs are standardised.
    static let mean: Float = 0.1307
    static let standardDeviation: Float = 0.3081

    /// The digits at `indices` as a `[B, 1, rows, columns]` tensor of standardised values.
    public func batch(_ indices: ArraySlice<Int>) -> Tensor {
        stacked([indices])
    }

    /// Digits side by side as channels: `[B, groups.count, rows, columns]`, channel `c` of item
    /// `b` being digit `groups[c][b]`. The 2-channel network sees its pairs this way.
    func stacked(_ groups: [ArraySlice<Int>]) -> Tensor {
        let n = groups.first?.count ?? 0
        let plane = pixelsPerImage
        let scale = 1 / (255 * Self.standardDeviation), shift = Self.mean / Self.standardDeviation
        let channels = groups.map(Array.init)
        return images.withUnsafeBufferPointer { pixels in
            var result = Tensor(zeros: [n, groups.count, rows, columns])
            result.withUnsafeMutableBufferPointer { out in
                for b in 0..<n {
                    for (c, indices) in channels.enumerated() {
                        let src = indices[b] * plane
                        let dst = (b * channels.count + c) * plane
                        for p in 0..<plane { out[dst + p] = Float(pixels[src + p]) * scale - shift }
                    }
                }
            }
            return result
        }
    }
}
