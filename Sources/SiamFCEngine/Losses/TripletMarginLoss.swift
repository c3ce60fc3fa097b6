/// The triplet margin loss, `mean(max(d(a, p) − d(a, n) + margin, 0))` over rows of `[N, D]`
/// embeddings, with `d(u, v) = ‖u − v + ε‖₂` and ε = 1e-6 as in PyTorch, which keeps the
/// gradient finite when two embeddings coincide.
public func tripletMarginLoss(anchor: Variable, positive: Variable, negative: Variable, margin: Float = 1) throws -> Variable {
    guard anchor.shape.count == 2, anchor.shape == positive.shape, anchor.shape == negative.shape else {
        throw EngineError("tripletMarginLoss: shapes \(anchor.shape), \(positive.shape), \(negative.shape) must be equal [N, D]")
    }
    let (n, dim) = (anchor.shape[0], anchor.shape[1])
    let epsilon: Float = 1e-6
    let toPositive = anchor.value.zipMap(positive.value) { $0 - $1 + epsilon }
    let toNegative = anchor.value.zipMap(negative.value) { $0 - $1 + epsilon }
    let dp = rowNorms(toPositive, n, dim), dn = rowNorms(toNegative, n, dim)
    var total: Float = 0
    for i in 0..<n { total += max(dp[i] - dn[i] + margin, 0) }
    let loss = total / Float(max(n, 1))
    return Variable(Tensor(loss), inputs: [anchor, positive, negative]) { dy, inputs in
        let scale = dy.item / Float(max(n, 1))
        var ga = Tensor(zeros: [n, dim]), gp = Tensor(zeros: [n, dim]), gn = Tensor(zeros: [n, dim])
        toPositive.withUnsafeBufferPointer { u in
            toNegative.withUnsafeBufferPointer { v in
                ga.withUnsafeMutableBufferPointer { a in
                    gp.withUnsafeMutableBufferPointer { p in
                        gn.withUnsafeMutableBufferPointer { q in
                            for i in 0..<n where dp[i] - dn[i] + margin > 0 {
                                for j in 0..<dim {
                                    let k = i * dim + j
                                    let towardPositive = dp[i] > 0 ? u[k] / dp[i] : 0
                                    let towardNegative = dn[i] > 0 ? v[k] / dn[i] : 0
                                    a[k] = scale * (towardPositive - towardNegative)
                                    p[k] = -scale * towardPositive
                                    q[k] = scale * towardNegative
                                }
                            }
                        }
                    }
                }
            }
        }
        inputs[0].accumulate(ga)
        inputs[1].accumulate(gp)
        inputs[2].accumulate(gn)
    }
}

func rowNorms(_ t: Tensor, _ n: Int, _ dim: Int) -> [Float] {
    t.withUnsafeBufferPointer { p in
        (0..<n).map { i in
            var s: Float = 0
            for j in 0..<dim { s += p[i * dim + j] * p[i * dim + j] }
            return s.squareRoot()
        }
    }
}

/// The triplet margin loss on precomputed distances (`[N]` each, any ``Distance``):
/// `mean(max(d(a, p) − d(a, n) + margin, 0))`.
public func tripletMarginLoss(positiveDistances dp: Variable, negativeDistances dn: Variable, margin: Float = 1) throws -> Variable {
    guard dp.shape.count == 1, dp.shape == dn.shape else {
        throw EngineError("tripletMarginLoss: distances \(dp.shape) and \(dn.shape) must both be [N]")
    }
    let n = dp.shape[0]
    let active = zip(dp.value.scalars, dn.value.scalars).map { $0 - $1 + margin > 0 }
    var total: Float = 0
    for (i, (p, q)) in zip(dp.value.scalars, dn.value.scalars).enumerated() where active[i] { total += p - q + margin }
    let scale = 1 / Float(max(n, 1))
    return Variable(Tensor(total * scale), inputs: [dp, dn]) { dy, inputs in
        let g = active.map { $0 ? dy.item * scale : 0 }
        inputs[0].accumulate(Tensor(vector: g))
        inputs[1].accumulate(Tensor(vector: g.map { -$0 }))
    }
}
