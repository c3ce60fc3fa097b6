extension Tensor {
    /// `self + other` for equal shapes (a residual connection); throws naming both shapes
    /// otherwise. The variable version is `+` on ``Variable``.
    public func adding(_ other: Tensor) throws -> Tensor {
        guard shape == other.shape else { throw EngineError("add: shapes \(shape) and \(other.shape) differ") }
        return parallelZipMap(other, +)
    }
}
