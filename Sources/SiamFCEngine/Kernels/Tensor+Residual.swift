extension Tensor {
    /// `self + other` for equal shapes (a residual connection); throws naming both shapes
    /// otherwise. The variable version is `+` on ``Variable``.
    public func adding(_ other: Tensor) throws -> Tensor {
        guard shape == other.shape else { throw EngineError("add: shapes \(shape) and \(other.shape) differ") }
        return parallelZipMap(other, Sum())
    }
}

/// `a + b` as a specialised element function (a closure would be called per element).
private struct Sum: ElementwisePairFunction {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}
