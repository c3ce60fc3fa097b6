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
    let (n, dim) = (a.shape[0], a.shape[1])
    let av = a.value, bv = b.value
    var distances = [Float](repeating: 0, count: n)
    // Per-row quantities the gradient needs.
    var normA = [Float](repeating: 0, count: n), normB = [Float](repeating: 0, count: n)
    var dots = [Float](repeating: 0, count: n)
    av.withUnsafeBufferPointer { x in
        bv.withUnsafeBufferPointer { y in
            for i in 0..<n {
                let row = i * dim
                switch metric {
                case .euclidean:
                    var s: Float = 0
                    for j in 0..<dim { let d = x[row + j] - y[row + j]; s += d * d }
                    distances[i] = s.squareRoot()
                case .manhattan:
                    var s: Float = 0
                    for j in 0..<dim { s += abs(x[row + j] - y[row + j]) }
                    distances[i] = s
                case .cosine:
                    var xx: Float = 0, yy: Float = 0, xy: Float = 0
                    for j in 0..<dim {
                        xx += x[row + j] * x[row + j]
                        yy += y[row + j] * y[row + j]
                        xy += x[row + j] * y[row + j]
                    }
                    normA[i] = xx.squareRoot()
                    normB[i] = yy.squareRoot()
                    dots[i] = xy
                    let denominator = normA[i] * normB[i]
                    distances[i] = denominator > 0 ? 1 - xy / denominator : 1
                }
            }
        }
    }
    return Variable(Tensor(vector: distances), inputs: [a, b]) { dy, inputs in
        var ga = Tensor(zeros: [n, dim]), gb = Tensor(zeros: [n, dim])
        av.withUnsafeBufferPointer { x in
            bv.withUnsafeBufferPointer { y in
                dy.withUnsafeBufferPointer { g in
                    ga.withUnsafeMutableBufferPointer { da in
                        gb.withUnsafeMutableBufferPointer { db in
                            for i in 0..<n {
                                let row = i * dim
                                switch metric {
                                case .euclidean:
                                    guard distances[i] > 0 else { continue }
                                    let f = g[i] / distances[i]
                                    for j in 0..<dim {
                                        let d = (x[row + j] - y[row + j]) * f
                                        da[row + j] = d
                                        db[row + j] = -d
                                    }
                                case .manhattan:
                                    for j in 0..<dim {
                                        let diff = x[row + j] - y[row + j]
                                        let s: Float = diff > 0 ? 1 : (diff < 0 ? -1 : 0)
                                        da[row + j] = g[i] * s
                                        db[row + j] = -g[i] * s
                                    }
                                case .cosine:
                                    let (na, nb) = (normA[i], normB[i])
                                    guard na > 0, nb > 0 else { continue }
                                    let cosine = dots[i] / (na * nb)
                                    // d(1 − cos)/da = −(b/(|a||b|) − cos·a/|a|²), and symmetrically.
                                    for j in 0..<dim {
                                        da[row + j] = -g[i] * (y[row + j] / (na * nb) - cosine * x[row + j] / (na * na))
                                        db[row + j] = -g[i] * (x[row + j] / (na * nb) - cosine * y[row + j] / (nb * nb))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        inputs[0].accumulate(ga)
        inputs[1].accumulate(gb)
    }
}
