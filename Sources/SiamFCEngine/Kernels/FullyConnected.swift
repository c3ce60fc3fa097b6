/// `y = x Wᵀ + b` for `x: [N, in]`, `W: [out, in]`, `b: [out]`, and its gradients, as GEMMs
/// split over the cores.
enum FullyConnected {
    static func forward(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let (n, inFeatures, outFeatures) = (x.shape[0], x.shape[1], weight.shape[0])
        precondition(weight.shape == [outFeatures, inFeatures] && (bias.map { $0.shape == [outFeatures] } ?? true),
                     "FullyConnected: input \(x.shape), weight \(weight.shape), bias \(bias?.shape ?? [])")
        var y = Tensor(zeros: [n, outFeatures])
        x.withBaseAddress { xp in
            weight.withBaseAddress { wp in
                y.withMutableBaseAddress { yp in
                    BLAS.parallelSgemm(transposeB: true, m: n, n: outFeatures, k: inFeatures,
                                       a: xp, lda: inFeatures, b: wp, ldb: inFeatures, c: yp, ldc: outFeatures)
                    bias?.withBaseAddress { bp in BLAS.addToEveryRow(bp, m: n, n: outFeatures, c: yp, ldc: outFeatures) }
                }
            }
        }
        return y
    }

    /// `dx = dy W`.
    static func inputGradient(_ dy: Tensor, weight: Tensor) -> Tensor {
        let (n, outFeatures, inFeatures) = (dy.shape[0], dy.shape[1], weight.shape[1])
        precondition(weight.shape[0] == outFeatures, "FullyConnected: gradient \(dy.shape) for weight \(weight.shape)")
        var dx = Tensor(zeros: [n, inFeatures])
        dy.withBaseAddress { gy in
            weight.withBaseAddress { wp in
                dx.withMutableBaseAddress { gx in
                    BLAS.parallelSgemm(m: n, n: inFeatures, k: outFeatures, a: gy, lda: outFeatures,
                                       b: wp, ldb: inFeatures, c: gx, ldc: inFeatures)
                }
            }
        }
        return dx
    }

    /// `dW = dyᵀ x`.
    static func weightGradient(_ dy: Tensor, input x: Tensor) -> Tensor {
        let (n, outFeatures, inFeatures) = (dy.shape[0], dy.shape[1], x.shape[1])
        precondition(x.shape[0] == n, "FullyConnected: gradient \(dy.shape) for input \(x.shape)")
        var dw = Tensor(zeros: [outFeatures, inFeatures])
        dy.withBaseAddress { gy in
            x.withBaseAddress { xp in
                dw.withMutableBaseAddress { gw in
                    BLAS.parallelSgemm(transposeA: true, m: outFeatures, n: inFeatures, k: n,
                                       a: gy, lda: outFeatures, b: xp, ldb: inFeatures, c: gw, ldc: inFeatures)
                }
            }
        }
        return dw
    }

    /// `db = Σ_rows dy`.
    static func biasGradient(_ dy: Tensor) -> Tensor {
        let (n, outFeatures) = (dy.shape[0], dy.shape[1])
        return dy.withBaseAddress { gy in
            Tensor(uninitialized: [outFeatures], pointer: { db in
                BLAS.sumOfRows(m: n, n: outFeatures, a: gy, lda: outFeatures, into: db)
            })
        }
    }
}
