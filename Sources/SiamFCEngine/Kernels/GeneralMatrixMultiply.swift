import SiamFCSupport

/// ONNX Gemm: `Y = alpha · op(A) · op(B) + beta · C` for matrices A and B and an optional C
/// that broadcasts to Y's `[M, N]` (a scalar, a row of N, a column of M, or the whole matrix):
/// small fully connected layers as exporters write them (`transB = 1`, C the bias). `linear`
/// is the case `alpha = beta = 1`, `transB`, C of shape `[N]`.
enum GeneralMatrixMultiply {
    /// How C spreads over Y.
    enum Addend: Equatable {
        case none, scalar, row, column, full
    }

    static func addend(_ c: [Int]?, m: Int, n: Int, a: [Int], b: [Int]) throws -> Addend {
        guard let c else { return .none }
        switch c {
        case [], [1], [1, 1]: return .scalar
        case [n], [1, n]: return .row
        case [m, 1]: return .column
        case [m, n]: return .full
        default:
            throw EngineError("gemm: C of shape \(c) does not broadcast to the [\(m), \(n)] product of \(a) and \(b)")
        }
    }

    static func layout(_ a: [Int], _ b: [Int], _ c: [Int]?, transposeA: Bool, transposeB: Bool)
        throws -> (MatrixProduct.Layout, Addend)
    {
        guard a.count == 2, b.count == 2 else { throw EngineError("gemm: A \(a) and B \(b) must be matrices") }
        let l = try MatrixProduct.layout(a, b, transposeA: transposeA, transposeB: transposeB, op: "gemm")
        return (l, try addend(c, m: l.m, n: l.n, a: a, b: b))
    }

    static func forward(_ a: Tensor, _ b: Tensor, _ c: Tensor?, _ l: MatrixProduct.Layout, _ addend: Addend,
                        alpha: Float, beta: Float) -> Tensor {
        let (m, n) = (l.m, l.n)
        precondition(a.count == l.m * l.k && b.count == l.k * l.n && (addend == .none) == (c == nil),
                     "GeneralMatrixMultiply.forward: \(a.shape), \(b.shape), \(c?.shape ?? []) do not fit \(l)")
        var y = Tensor(uninitialized: [m, n], pointer: { _ in })
        y.withMutableBaseAddress { yb in
            if let c {
                c.withBaseAddress { cb in
                    for i in 0..<m {
                        for j in 0..<n {
                            let value: Float
                            switch addend {
                            case .scalar: value = cb[0]
                            case .row: value = cb[j]
                            case .column: value = cb[i]
                            case .full, .none: value = cb[i * n + j]
                            }
                            yb[i * n + j] = beta * value
                        }
                    }
                }
            }
            a.withBaseAddress { ab in
                b.withBaseAddress { bb in
                    BLAS.parallelSgemm(transposeA: l.transposeA, transposeB: l.transposeB, m: m, n: n, k: l.k, alpha: alpha,
                                       a: ab, lda: l.lda, b: bb, ldb: l.ldb, beta: c == nil ? 0 : 1, c: yb, ldc: n)
                }
            }
        }
        return y
    }

    /// `beta · dY` summed down to C's shape.
    static func addendGradient(_ dy: Tensor, shape: [Int], _ addend: Addend, beta: Float) -> Tensor {
        let (m, n) = (dy.shape[0], dy.shape[1])
        return dy.withBaseAddress { g in
            Tensor(uninitialized: shape, pointer: { out in
                switch addend {
                case .none: break
                case .scalar:
                    var total: Float = 0
                    for i in 0..<(m * n) { total += g[i] }
                    out[0] = beta * total
                case .row:
                    for j in 0..<n { out[j] = 0 }
                    for i in 0..<m { for j in 0..<n { out[j] += g[i * n + j] } }
                    for j in 0..<n { out[j] *= beta }
                case .column:
                    for i in 0..<m {
                        var total: Float = 0
                        for j in 0..<n { total += g[i * n + j] }
                        out[i] = beta * total
                    }
                case .full:
                    for i in 0..<(m * n) { out[i] = beta * g[i] }
                }
            })
        }
    }
}

extension Tensor {
    /// ONNX Gemm: `alpha · op(self) · op(b) + beta · c`, `op` transposing when asked, `c`
    /// broadcasting to the `[M, N]` result (scalar, `[N]`, `[1, N]`, `[M, 1]` or `[M, N]`).
    /// Throws naming the shapes when they do not fit.
    public func gemm(_ b: Tensor, c: Tensor? = nil, alpha: Float = 1, beta: Float = 1,
                     transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        let (l, addend) = try GeneralMatrixMultiply.layout(shape, b.shape, c?.shape, transposeA: transposeA,
                                                           transposeB: transposeB)
        return GeneralMatrixMultiply.forward(self, b, c, l, addend, alpha: alpha, beta: beta)
    }
}
