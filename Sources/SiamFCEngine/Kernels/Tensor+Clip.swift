extension Tensor {
    /// `min(max(x, lower), upper)`, element-wise (ONNX Clip); throws when `lower > upper` or a
    /// bound is NaN.
    public func clipped(min lower: Float, max upper: Float) throws -> Tensor {
        guard lower <= upper else { throw EngineError("clip: min \(lower) is not at most max \(upper) for shape \(shape)") }
        return parallelMap { v in v < lower ? lower : (v > upper ? upper : v) }
    }

    /// `min(max(x, 0), 6)`, element-wise.
    public func relu6() -> Tensor { activated(.relu6) }

    /// The gradient of a clip to `lower ... upper` at the inputs `self`: `dy` strictly inside
    /// the range, 0 outside.
    func clipGradient(_ dy: Tensor, min lower: Float, max upper: Float) -> Tensor {
        dy.parallelZipMap(self) { g, x in x > lower && x < upper ? g : 0 }
    }
}
