/// In-place and element-wise arithmetic on whole tensors, used by kernels, gradients and
/// optimizers. Both operands must have the same shape: a mismatch is a bug in the caller, so it
/// stops the program instead of touching a prefix of the elements.
extension Tensor {
    /// `self += scale * other`.
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "Tensor.add: shapes \(shape) and \(other.shape) differ")
        other.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += scale * src[i] }
            }
        }
    }

    /// `self *= factor`.
    public mutating func scale(by factor: Float) {
        withUnsafeMutableBufferPointer { dst in
            for i in 0..<dst.count { dst[i] *= factor }
        }
    }

    /// A tensor of the same shape with `transform` applied to every element.
    public func map(_ transform: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: shape) { dst in
                for i in 0..<src.count { dst[i] = transform(src[i]) }
            }
        }
    }

    /// Element-wise combination of two same-shaped tensors.
    public func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "Tensor.zipMap: shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(uninitializedShape: shape) { dst in
                    for i in 0..<dst.count { dst[i] = combine(a[i], b[i]) }
                }
            }
        }
    }

    public func sum() -> Float {
        withUnsafeBufferPointer { src in
            // Pairwise blocks keep Float32 rounding error small on long sums.
            var total: Double = 0
            var i = 0
            while i < src.count {
                let end = min(i + 1024, src.count)
                var block: Float = 0
                for j in i..<end { block += src[j] }
                total += Double(block)
                i = end
            }
            return Float(total)
        }
    }

    /// The largest element-wise `|self − other|`; infinity when the shapes differ, so that a
    /// comparison against a tolerance fails.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        guard shape == other.shape else { return .infinity }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var m: Float = 0
                for i in 0..<a.count { m = Swift.max(m, abs(a[i] - b[i])) }
                return m
            }
        }
    }
}
