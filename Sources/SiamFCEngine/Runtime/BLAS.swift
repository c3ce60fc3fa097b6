#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import SiamFCSupport

/// Single-precision matrix products on the platform BLAS: OpenBLAS on Linux, Accelerate on
/// macOS. Matrices are row-major.
///
/// BLAS itself always runs on one thread. The engine spreads work over the cores itself, in
/// chunks fixed by the core count, so results are bit-for-bit repeatable even when several
/// models run at once in one process (OpenBLAS's own thread count is process-wide state that
/// concurrent callers would change under each other).
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C` with `op(A)` of size `m x k` and `op(B)` of size
    /// `k x n`, on the calling thread. Leading dimensions are those of the stored (untransposed)
    /// row-major matrices.
    @inlinable
    public static func sgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        _ = configured
        if k == 0 {
            // BLAS leaves C untouched for k = 0 only when beta = 1; make the result exact.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasInt(m), blasInt(n), blasInt(k), alpha, a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// ``sgemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` split over the
    /// cores: the larger of C's two dimensions is cut into one block per core.
    public static func parallelSgemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let splitRows = m >= n
        Parallel.forEachChunk(splitRows ? m : n, costPerItem: 2 * k * (splitRows ? n : m)) { range in
            if splitRows {
                sgemm(transposeA: transposeA, transposeB: transposeB, m: range.count, n: n, k: k, alpha: alpha,
                      a: transposeA ? a + range.lowerBound : a + range.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: c + range.lowerBound * ldc, ldc: ldc)
            } else {
                sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: range.count, k: k, alpha: alpha,
                      a: a, lda: lda, b: transposeB ? b + range.lowerBound * ldb : b + range.lowerBound, ldb: ldb,
                      beta: beta, c: c + range.lowerBound, ldc: ldc)
            }
        }
    }

    /// `C[i, j] += x[j]` for every row `i` of the `m x n` matrix C: one bias per column, as
    /// after a fully connected layer's product.
    static func addToEveryRow(_ x: UnsafePointer<Float>, m: Int, n: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let (source, target) = (UncheckedSendable(x), UncheckedSendable(c))
        Parallel.forEachChunk(m, costPerItem: n) { rows in
            for i in rows {
                let row = target.value + i * ldc
                for j in 0..<n { row[j] += source.value[j] }
            }
        }
    }

    /// `y[j] = Σ_i A[i, j]` over the `m` rows of the `m x n` matrix A, added in row order: the
    /// bias gradient of a fully connected layer.
    static func sumOfRows(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int, into y: UnsafeMutablePointer<Float>) {
        let (source, target) = (UncheckedSendable(a), UncheckedSendable(y))
        Parallel.forEachChunk(n, costPerItem: m) { columns in
            for j in columns {
                var total: Float = 0
                for i in 0..<m { total += source.value[i * lda + j] }
                target.value[j] = total
            }
        }
    }

    /// Pins OpenBLAS to one thread, once, before its first use.
    @usableFromInline static let configured: Bool = {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
        return true
    }()

    #if canImport(Accelerate)
    @usableFromInline static func blasInt(_ v: Int) -> Int32 { Int32(v) }
    #else
    @usableFromInline static func blasInt(_ v: Int) -> blasint { blasint(v) }
    #endif
}
