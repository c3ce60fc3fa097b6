import SiamFCSupport

/// Batched matrix products on sgemm: `op(A) · op(B)` for `A: [..., rows, cols]`,
/// `B: [..., rows, cols]`, where `op` transposes the last two dimensions when asked. The batch
/// dimensions (all but the last two) are equal, or one side has none and is shared by every
/// item of the other (ONNX MatMul's broadcasting in its common cases).
enum MatrixProduct {
    /// The shapes of one product.
    struct Layout: Equatable {
        /// Batch dimensions of the result; `batch` is their product.
        let batchShape: [Int]
        let batch: Int
        /// `op(A)` is `m x k`, `op(B)` is `k x n`.
        let m: Int, n: Int, k: Int
        let transposeA: Bool, transposeB: Bool
        /// Whether A (B) has the batch dimensions; otherwise one matrix serves every item.
        let batchedA: Bool, batchedB: Bool
        /// Columns of the stored A and B (their leading dimensions).
        var lda: Int { transposeA ? m : k }
        var ldb: Int { transposeB ? k : n }
        var resultShape: [Int] { batchShape + [m, n] }
    }

    static func layout(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool, op: String = "matmul") throws -> Layout {
        guard a.count >= 2, b.count >= 2 else {
            throw EngineError("\(op): operands need at least two dimensions, got \(a) and \(b)")
        }
        let (batchA, batchB) = (Array(a.dropLast(2)), Array(b.dropLast(2)))
        let (m, ka) = transposeA ? (a[a.count - 1], a[a.count - 2]) : (a[a.count - 2], a[a.count - 1])
        let (kb, n) = transposeB ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
        guard ka == kb else {
            throw EngineError("\(op): inner dimensions differ: \(a)\(transposeA ? "ᵀ" : "") · \(b)\(transposeB ? "ᵀ" : "")")
        }
        guard batchA == batchB || batchA.isEmpty || batchB.isEmpty else {
            throw EngineError("\(op): batch dimensions of \(a) and \(b) neither match nor broadcast")
        }
        let batchShape = batchA.isEmpty ? batchB : batchA
        return Layout(batchShape: batchShape, batch: batchShape.reduce(1, *), m: m, n: n, k: ka,
                      transposeA: transposeA, transposeB: transposeB,
                      batchedA: !batchA.isEmpty, batchedB: !batchB.isEmpty)
    }

    /// `alpha · op(A) · op(B)` per batch item; one product is split over the cores, a batch is
    /// split by item (each product then single-threaded).
    static func forward(_ a: Tensor, _ b: Tensor, _ l: Layout, alpha: Float = 1) -> Tensor {
        precondition(a.count == (l.batchedA ? l.batch : 1) * l.m * l.k && b.count == (l.batchedB ? l.batch : 1) * l.k * l.n,
                     "MatrixProduct.forward: \(a.shape) and \(b.shape) do not fit \(l)")
        var c = Tensor(uninitialized: l.resultShape, pointer: { _ in })
        let (strideA, strideB, strideC) = (l.batchedA ? l.m * l.k : 0, l.batchedB ? l.k * l.n : 0, l.m * l.n)
        a.withBaseAddress { ab in
            b.withBaseAddress { bb in
                c.withMutableBaseAddress { cb in
                    if l.batch == 1 {
                        BLAS.parallelSgemm(transposeA: l.transposeA, transposeB: l.transposeB, m: l.m, n: l.n, k: l.k,
                                           alpha: alpha, a: ab, lda: l.lda, b: bb, ldb: l.ldb, c: cb, ldc: l.n)
                        return
                    }
                    let (as_, bs, cs) = (UncheckedSendable(ab), UncheckedSendable(bb), UncheckedSendable(cb))
                    Parallel.forEachChunk(l.batch, costPerItem: 2 * l.m * l.n * max(l.k, 1)) { range in
                        for item in range {
                            BLAS.sgemm(transposeA: l.transposeA, transposeB: l.transposeB, m: l.m, n: l.n, k: l.k,
                                       alpha: alpha, a: as_.value + item * strideA, lda: l.lda,
                                       b: bs.value + item * strideB, ldb: l.ldb, c: cs.value + item * strideC, ldc: l.n)
                        }
                    }
                }
            }
        }
        return c
    }

    /// `op(x) · op(y)` for operands the engine shaped itself (gradients): a mismatch is a bug.
    static func product(_ x: Tensor, transposeX: Bool, _ y: Tensor, transposeY: Bool, alpha: Float = 1) -> Tensor {
        do {
            let l = try layout(x.shape, y.shape, transposeA: transposeX, transposeB: transposeY, op: "MatrixProduct.product")
            return forward(x, y, l, alpha: alpha)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The gradients of `alpha · op(A) · op(B)` for the output gradient `dc`; an operand shared
    /// by the whole batch gets the sum over the batch.
    static func backward(_ a: Tensor, _ b: Tensor, _ dc: Tensor, _ l: Layout, alpha: Float = 1,
                         needA: Bool, needB: Bool) -> (a: Tensor?, b: Tensor?) {
        precondition(dc.shape == l.resultShape, "MatrixProduct.backward: gradient \(dc.shape) for \(l)")
        var da: Tensor?, db: Tensor?
        if needA {
            // d op(A) = dC · op(B)ᵀ; with transposeA, dA = op(B) · dCᵀ.
            let full = l.transposeA ? product(b, transposeX: l.transposeB, dc, transposeY: true, alpha: alpha)
                                    : product(dc, transposeX: false, b, transposeY: !l.transposeB, alpha: alpha)
            da = l.batchedA ? full : sumOverBatch(full, batch: l.batch, matrix: Array(a.shape.suffix(2)))
        }
        if needB {
            // d op(B) = op(A)ᵀ · dC; with transposeB, dB = dCᵀ · op(A).
            let full = l.transposeB ? product(dc, transposeX: true, a, transposeY: l.transposeA, alpha: alpha)
                                    : product(a, transposeX: !l.transposeA, dc, transposeY: false, alpha: alpha)
            db = l.batchedB ? full : sumOverBatch(full, batch: l.batch, matrix: Array(b.shape.suffix(2)))
        }
        return (da, db)
    }

    /// The sum of `batch` matrices, added in batch order.
    static func sumOverBatch(_ t: Tensor, batch: Int, matrix: [Int]) -> Tensor {
        let size = matrix.reduce(1, *)
        precondition(t.count == batch * size, "MatrixProduct.sumOverBatch: \(t.shape) is not \(batch) x \(matrix)")
        if batch == 1 { return t.viewed(as: matrix) }
        return t.withBaseAddress { src in
            Tensor(uninitialized: matrix, pointer: { dst in
                let (s, d) = (UncheckedSendable(src), UncheckedSendable(dst))
                Parallel.forEachChunk(size, costPerItem: batch) { range in
                    for i in range {
                        var total: Float = 0
                        for item in 0..<batch { total += s.value[item * size + i] }
                        d.value[i] = total
                    }
                }
            })
        }
    }
}

extension Tensor {
    /// The batched matrix product `op(self) · op(other)` on the last two dimensions (`op`
    /// transposes them when asked); batch dimensions must be equal, or absent on one side.
    /// Throws naming both shapes when they do not fit.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        let l = try MatrixProduct.layout(shape, other.shape, transposeA: transposeSelf, transposeB: transposeOther)
        return MatrixProduct.forward(self, other, l)
    }
}
