/// The contrastive loss of Hadsell, Chopra and LeCun (2006):
/// `L = 1/(2N) Σ y·d² + (1 − y)·max(margin − d, 0)²`, with `d` the Euclidean distance between
/// rows of `a` and `b` (`[N, D]`) and `y = 1` for a similar pair, `0` for a dissimilar one.
public func contrastiveLoss(_ a: Variable, _ b: Variable, similar labels: Tensor, margin: Float = 1) throws -> Variable {
    guard a.shape.count == 2, a.shape == b.shape, labels.shape == [a.shape[0]] else {
        throw EngineError("contrastiveLoss: embeddings \(a.shape), \(b.shape) and labels \(labels.shape) do not fit [N, D], [N, D], [N]")
    }
    let (n, dim) = (a.shape[0], a.shape[1])
    let diff = a.value.zipMap(b.value, -)
    var distances = [Float](repeating: 0, count: n)
    var total: Double = 0
    diff.withUnsafeBufferPointer { d in
        labels.withUnsafeBufferPointer { y in
            for i in 0..<n {
                var squares: Float = 0
                for j in 0..<dim { squares += d[i * dim + j] * d[i * dim + j] }
                let distance = squares.squareRoot()
                distances[i] = distance
                let hinge = max(margin - distance, 0)
                total += Double(y[i] * squares + (1 - y[i]) * hinge * hinge)
            }
        }
    }
    let loss = Float(total / Double(2 * max(n, 1)))
    return Variable(Tensor(loss), inputs: [a, b]) { dy, inputs in
        let g = diff.withUnsafeBufferPointer { d in
            labels.withUnsafeBufferPointer { y in
                Tensor(uninitializedShape: [n, dim]) { out in
                    for i in 0..<n {
                        let distance = distances[i]
                        let hinge = max(margin - distance, 0)
                        // d(d)/da = (a - b)/d; at d = 0 the hinge's subgradient is taken as 0.
                        let pull = y[i] - (distance > 0 ? (1 - y[i]) * hinge / distance : 0)
                        let factor = dy.item * pull / Float(max(n, 1))
                        for j in 0..<dim { out[i * dim + j] = factor * d[i * dim + j] }
                    }
                }
            }
        }
        inputs[0].accumulate(g)
        if inputs[1].requiresGrad { inputs[1].accumulate(g.map { -$0 }) }
    }
}

/// The contrastive loss on precomputed distances `d` (`[N]`, any ``Distance``):
/// `L = 1/(2N) Σ y·d² + (1 − y)·max(margin − d, 0)²`.
public func contrastiveLoss(distances d: Variable, similar labels: Tensor, margin: Float = 1) throws -> Variable {
    guard d.shape.count == 1, labels.shape == d.shape else {
        throw EngineError("contrastiveLoss: distances \(d.shape) and labels \(labels.shape) must both be [N]")
    }
    let n = d.shape[0]
    var total: Double = 0
    d.value.withUnsafeBufferPointer { dist in
        labels.withUnsafeBufferPointer { y in
            for i in 0..<n {
                let hinge = max(margin - dist[i], 0)
                total += Double(y[i] * dist[i] * dist[i] + (1 - y[i]) * hinge * hinge)
            }
        }
    }
    let scale = 1 / Float(2 * max(n, 1))
    return Variable(Tensor(Float(total) * scale), inputs: [d]) { dy, inputs in
        let g = inputs[0].value.withUnsafeBufferPointer { dist in
            labels.withUnsafeBufferPointer { y in
                Tensor(uninitializedShape: [n]) { out in
                    for i in 0..<n {
                        let hinge = max(margin - dist[i], 0)
                        out[i] = dy.item * scale * 2 * (y[i] * dist[i] - (1 - y[i]) * hinge)
                    }
                }
            }
        }
        inputs[0].accumulate(g)
    }
}
