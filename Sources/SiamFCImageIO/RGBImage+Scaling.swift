extension RGBImage {
    /// The image shrunk (or enlarged) to `width x height`: each output pixel averages the
    /// source pixels its footprint covers (nearest pixel when enlarging), which keeps
    /// thumbnails free of aliasing.
    public func scaled(width newWidth: Int, height newHeight: Int) -> RGBImage {
        let (w, h) = (max(newWidth, 1), max(newHeight, 1))
        var out = RGBImage(width: w, height: h)
        guard width > 0, height > 0 else { return out }
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let y0 = y * height / h, y1 = max(y0 + 1, (y + 1) * height / h)
                    for x in 0..<w {
                        let x0 = x * width / w, x1 = max(x0 + 1, (x + 1) * width / w)
                        var sums = (0, 0, 0)
                        for sy in y0..<y1 {
                            var i = (sy * width + x0) * 3
                            for _ in x0..<x1 {
                                sums.0 += Int(src[i]); sums.1 += Int(src[i + 1]); sums.2 += Int(src[i + 2])
                                i += 3
                            }
                        }
                        let n = (y1 - y0) * (x1 - x0), o = (y * w + x) * 3
                        dst[o] = UInt8((sums.0 + n / 2) / n)
                        dst[o + 1] = UInt8((sums.1 + n / 2) / n)
                        dst[o + 2] = UInt8((sums.2 + n / 2) / n)
                    }
                }
            }
        }
        return out
    }
}
