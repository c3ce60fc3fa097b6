/// How far apart two embeddings are, row by row.
public enum Distance: String, Sendable, CaseIterable {
    /// `‖a − b‖₂`.
    case euclidean
    /// `1 − a·b / (‖a‖‖b‖)`, in `0...2`.
    case cosine
    /// `Σ |a − b|`.
    case manhattan
}

/// The distance between each row of `a` and the same row of `b` (`[N, D]` each), as `[N]`.
///
/// Gradients use subgradient 0 where the distance is not differentiable (coinciding embeddings
/// for Euclidean and Manhattan, a zero vector for cosine).
public func pairwiseDistance(_ a: Variable, _ b: Variable, _ metric: Distance = .euclidean) throws -> Variable {
    guard a.shape.count == 2, a.shape == b.shape else {
        throw EngineError("pairwiseDistance: embeddings \(a.shape) and \(b.shape) must both be [N, D]")
    }
    let (av, bv) = (a.value, b.value)
    let rows = PairwiseDistance.forward(av, bv, metric)
    return Variable(Tensor(vector: rows.distances), inputs: [a, b]) { dy, inputs in
        let (ga, gb) = PairwiseDistance.backward(av, bv, metric, rows, dy: dy)
        inputs[0].accumulate(ga)
        inputs[1].accumulate(gb)
    }
}
