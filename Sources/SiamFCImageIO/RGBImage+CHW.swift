extension RGBImage {
    /// The image as planar `3 x height x width` Float32 values in 0...255 (R plane, then G,
    /// then B): the layout the engine's NCHW tensors use.
    public func chwFloat32() -> [Float] {
        [Float](unsafeUninitializedCapacity: pixels.count) { buffer, count in
            if let base = buffer.baseAddress { writeCHW(into: base) }
            count = pixels.count
        }
    }

    /// Writes the planar Float32 form into `destination`, which must hold
    /// `3 * width * height` values; one pass over the pixels.
    public func writeCHW(into destination: UnsafeMutablePointer<Float>) {
        let plane = width * height
        pixels.withUnsafeBufferPointer { source in
            guard let src = source.baseAddress else { return }
            let r = destination, g = destination + plane, b = destination + 2 * plane
            for i in 0..<plane {
                r[i] = Float(src[3 * i])
                g[i] = Float(src[3 * i + 1])
                b[i] = Float(src[3 * i + 2])
            }
        }
    }
}
