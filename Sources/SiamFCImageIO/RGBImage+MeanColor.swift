import CImageKernels

extension RGBImage {
    /// Each channel's mean over the whole image, exactly (integer sums, one division); (0, 0, 0)
    /// for an empty image.
    public func channelMeans() -> (red: Double, green: Double, blue: Double) {
        let count = width * height
        guard count > 0 else { return (0, 0, 0) }
        let n = Double(count)
        // Called once per frame on the tracking path: the three sums live on the stack.
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3) { sums in
            sums.initialize(repeating: 0)
            pixels.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress, let out = sums.baseAddress else { return }
                sfc_rgb_channel_sums(base, count, out)
            }
            return (Double(sums[0]) / n, Double(sums[1]) / n, Double(sums[2]) / n)
        }
    }

    /// ``channelMeans()`` rounded to bytes, half to even: the constant colour of a border that
    /// an 8-bit image is padded with.
    public func meanColorBytes() -> (UInt8, UInt8, UInt8) {
        let m = channelMeans()
        func byte(_ v: Double) -> UInt8 { UInt8(min(255, max(0, v.rounded(.toNearestOrEven)))) }
        return (byte(m.red), byte(m.green), byte(m.blue))
    }
}
