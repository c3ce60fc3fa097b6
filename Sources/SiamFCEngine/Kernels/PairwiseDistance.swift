/// Row-by-row distances between two `[N, D]` embeddings and their gradients; see
/// ``pairwiseDistance(_:_:_:)``.
enum PairwiseDistance {
    /// The distances and the per-row quantities their gradient needs.
    struct Rows {
        var distances: [Float]
        /// Row norms and dot products, for the cosine distance only.
        var normA: [Float], normB: [Float], dots: [Float]
    }

    static func forward(_ a: Tensor, _ b: Tensor, _ metric: Distance) -> Rows {
        precondition(a.rank == 2 && a.shape == b.shape, "PairwiseDistance: embeddings \(a.shape) and \(b.shape)")
        let (n, dim) = (a.shape[0], a.shape[1])
        var rows = Rows(distances: [Float](repeating: 0, count: n), normA: [Float](repeating: 0, count: n),
                        normB: [Float](repeating: 0, count: n), dots: [Float](repeating: 0, count: n))
        a.withBaseAddress { x in
            b.withBaseAddress { y in
                for i in 0..<n {
                    let row = i * dim
                    switch metric {
                    case .euclidean:
                        var s: Float = 0
                        for j in 0..<dim { let d = x[row + j] - y[row + j]; s += d * d }
                        rows.distances[i] = s.squareRoot()
                    case .manhattan:
                        var s: Float = 0
                        for j in 0..<dim { s += abs(x[row + j] - y[row + j]) }
                        rows.distances[i] = s
                    case .cosine:
                        var xx: Float = 0, yy: Float = 0, xy: Float = 0
                        for j in 0..<dim {
                            xx += x[row + j] * x[row + j]
                            yy += y[row + j] * y[row + j]
                            xy += x[row + j] * y[row + j]
                        }
                        rows.normA[i] = xx.squareRoot()
                        rows.normB[i] = yy.squareRoot()
                        rows.dots[i] = xy
                        let denominator = rows.normA[i] * rows.normB[i]
                        rows.distances[i] = denominator > 0 ? 1 - xy / denominator : 1
                    }
                }
            }
        }
        return rows
    }

    /// Gradients of `a` and `b` for the gradient `dy` (`[N]`) of the distances, with subgradient
    /// 0 where the distance is not differentiable.
    static func backward(_ a: Tensor, _ b: Tensor, _ metric: Distance, _ rows: Rows, dy: Tensor) -> (Tensor, Tensor) {
        let (n, dim) = (a.shape[0], a.shape[1])
        precondition(dy.shape == [n] && rows.distances.count == n, "PairwiseDistance: gradient \(dy.shape) for \(n) rows")
        var ga = Tensor(zeros: [n, dim]), gb = Tensor(zeros: [n, dim])
        a.withBaseAddress { x in
            b.withBaseAddress { y in
                dy.withBaseAddress { g in
                    ga.withMutableBaseAddress { da in
                        gb.withMutableBaseAddress { db in
                            for i in 0..<n {
                                let row = i * dim
                                switch metric {
                                case .euclidean:
                                    guard rows.distances[i] > 0 else { continue }
                                    let f = g[i] / rows.distances[i]
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
                                    let (na, nb) = (rows.normA[i], rows.normB[i])
                                    guard na > 0, nb > 0 else { continue }
                                    let cosine = rows.dots[i] / (na * nb)
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
        return (ga, gb)
    }
}
