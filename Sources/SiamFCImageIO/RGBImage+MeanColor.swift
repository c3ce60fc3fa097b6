extension RGBImage {
    /// Each channel's mean over the whole image, exactly (integer sums, one division); (0, 0, 0)
    /// for an empty image.
    public func channelMeans() -> (red: Double, green: Double, blue: Double) {
        let count = width * height
        guard count > 0 else { return (0, 0, 0) }
        var sums: (UInt64, UInt64, UInt64) = (0, 0, 0)
        pixels.withUnsafeBufferPointer { p in
            // Per-row UInt32 partial sums keep the inner loop free of 64-bit adds; a row holds at
            // most 2^24 pixels before they could overflow.
            let rowLength = width
            var start = 0
            while start < count {
                let n = min(rowLength, 1 << 24, count - start)
                var r: UInt32 = 0, g: UInt32 = 0, b: UInt32 = 0
                for i in start..<(start + n) {
                    r &+= UInt32(p[3 * i]); g &+= UInt32(p[3 * i + 1]); b &+= UInt32(p[3 * i + 2])
                }
                sums.0 += UInt64(r); sums.1 += UInt64(g); sums.2 += UInt64(b)
                start += n
            }
        }
        let n = Double(count)
        return (Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n)
    }

    /// ``channelMeans()`` rounded to bytes, half to even: the constant colour of a border that
    /// an 8-bit image is padded with.
    public func meanColorBytes() -> (UInt8, UInt8, UInt8) {
        let m = channelMeans()
        func byte(_ v: Double) -> UInt8 { UInt8(min(255, max(0, v.rounded(.toNearestOrEven)))) }
        return (byte(m.red), byte(m.green), byte(m.blue))
    }
}
