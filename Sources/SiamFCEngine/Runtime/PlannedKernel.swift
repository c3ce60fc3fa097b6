import CKernels
import SiamFCSupport

/// How one step of an ``InferenceSchedule`` computes chunk `c` of its output from raw buffers.
/// Slots are root slots (views resolved); every kernel is single-threaded within a chunk and
/// computes the same values whichever thread runs it.
enum PlannedKernel: @unchecked Sendable {
    /// 1x1 convolution: `blocks` pixel blocks of `blockPixels` × `panelBlocks` blocks of
    /// `blockPanels` 6-channel panels, per image.
    case pointwise(Pointwise)
    /// Padded, strided or larger convolution (groups = 1): blocks of output rows, each from a
    /// padded, phase-split copy of the input rows it needs in the worker's scratch.
    case direct(Direct)
    /// One filter per channel: blocks of (image, channel) planes.
    case depthwise(Depthwise)
    case add(a: Int, b: Int, count: Int, activation: FusedActivation)
    /// `x[p, i] · scale[p]` over `planes` planes of `plane` floats.
    case scale(x: Int, scale: Int, planes: Int, plane: Int, activation: FusedActivation)
    case elementwise(x: Int, count: Int, operation: ElementwiseOperation)
    case globalAveragePool(x: Int, planes: Int, plane: Int)
    case gemm(Gemm)
    case matmul(MatMul)
    /// The step's tensor fallback, on copies of its inputs.
    case fallback(step: Int)

    struct Pointwise {
        var input: Int
        var residual: Int?
        /// Per-channel scales (per image) and activation applied to the input as it is read: a
        /// channel scaling fused in.
        var inputScale: Int?
        var inputActivation = FusedActivation.none
        let packed: ScratchBuffer
        let bias: Tensor?
        let m, k, plane, batch: Int
        let activation: FusedActivation
        let blockPixels, blockPanels, pixelBlocks, panelBlocks: Int
    }

    struct Direct {
        let input: Int
        let g: ConvolutionGeometry
        let packed: ScratchBuffer
        let offsets: [Int32]
        let bias: Tensor?
        let activation: FusedActivation
        let rowsPerBlock, blocks, slabRows, rowLength: Int
    }

    struct Depthwise {
        let input: Int
        let g: ConvolutionGeometry
        let weight: Tensor
        let bias: [Float]
        let activation: FusedActivation
        var planesPerBlock: Int
        /// Where the mean of each output plane goes too (a global average pooling fused in).
        var pool: Int?
    }

    struct Gemm {
        let a: Int, b: Int, c: Int?
        let m, n, k, lda, ldb: Int
        /// C has n values (one row, repeated) rather than m × n.
        let cIsRow: Bool
        let alpha, beta: Float
        let transposeA, transposeB: Bool
    }

    struct MatMul {
        let a: Int, b: Int
        let batch, m, n, k: Int
        let batchedB: Bool
    }

    /// Per-worker scratch floats this kernel needs.
    var scratchCount: Int {
        switch self {
        case .direct(let d): return d.g.inChannels * d.slabRows * d.rowLength + 16
        case .depthwise(let d):
            return sfc_depthwise_scratch_size(Int32(d.g.height), Int32(d.g.width), Int32(d.g.kernelHeight),
                                              Int32(d.g.stride), Int32(d.g.padding))
        default: return 0
        }
    }

    /// Chunk `chunk` of `chunks` of `0 ..< count`, cut at multiples of `align`.
    static func split(_ count: Int, chunk: Int, of chunks: Int, align: Int = 16) -> Range<Int> {
        guard chunks > 1 else { return 0..<count }
        let units = (count + align - 1) / align
        let lower = min(count, units * chunk / chunks * align), upper = min(count, units * (chunk + 1) / chunks * align)
        return lower..<upper
    }

    /// Computes chunk `chunk` of `chunks` into `out`; `slot` resolves root slots to buffers.
    /// Returns the output floats the chunk wrote when they are one contiguous range (where a
    /// fused element-wise step can follow), nil when they are scattered.
    func run(chunk: Int, of chunks: Int, out: UnsafeMutablePointer<Float>, slot: (Int) -> UnsafeMutablePointer<Float>,
             scratch: UnsafeMutablePointer<Float>) -> Range<Int>? {
        switch self {
        case .pointwise(let p):
            let perImage = p.pixelBlocks * p.panelBlocks
            let n = chunk / perImage, pixelBlock = (chunk % perImage) / p.panelBlocks, panelBlock = chunk % p.panelBlocks
            let p0 = pixelBlock * p.blockPixels, p1 = min(p.plane, p0 + p.blockPixels)
            let panels = (p.m + 5) / 6
            let q0 = panelBlock * p.blockPanels, q1 = min(panels, q0 + p.blockPanels)
            let image = n * p.k * p.plane, outImage = n * p.m * p.plane
            sfc_pointwise_conv(Int32(p.k), p.packed.pointer, Int32(q0), Int32(q1), Int32(p.m), slot(p.input) + image,
                               p.inputScale.map { UnsafePointer(slot($0) + n * p.k) }, p.inputActivation.code, Int32(p.plane), Int32(p0), Int32(p1), p.bias.map { UnsafePointer($0.storage.pointer) },
                               p.activation.code, p.residual.map { UnsafePointer(slot($0) + outImage) }, out + outImage, 0)
            return nil
        case .direct(let d):
            let g = d.g
            let n = chunk / d.blocks, block = chunk % d.blocks
            let oy0 = block * d.rowsPerBlock, oy1 = min(g.outHeight, oy0 + d.rowsPerBlock)
            let image = slot(d.input) + n * g.inChannels * g.height * g.width
            sfc_padded_rows(image, Int32(g.inChannels), Int32(g.height), Int32(g.width), Int32(g.padding), Int32(g.stride),
                            Int32(oy0 * g.stride), Int32(d.slabRows),
                            scratch, 0)
            d.offsets.withUnsafeBufferPointer { taps in
                guard let taps = taps.baseAddress else { return }
                sfc_conv_rows(Int32(g.outChannels), Int32(g.patchSize), d.packed.pointer, scratch, taps,
                              Int32(g.stride * d.rowLength), 0, Int32(oy1 - oy0), Int32(g.outWidth),
                              d.bias.map { UnsafePointer($0.storage.pointer) }, d.activation.code,
                              out + n * g.outChannels * g.outPlane + oy0 * g.outWidth, Int32(g.outPlane), 0)
            }
            return nil
        case .depthwise(let d):
            let g = d.g
            let planes = g.batch * g.inChannels
            let first = chunk * d.planesPerBlock, last = min(planes, first + d.planesPerBlock)
            let x = slot(d.input), w = d.weight.storage.pointer
            let (k, plane) = (g.kernelHeight, g.height * g.width)
            d.bias.withUnsafeBufferPointer { bias in
                for nc in first..<last {
                    let c = nc % g.inChannels
                    sfc_depthwise_plane(x + nc * plane, Int32(g.height), Int32(g.width), w + c * k * k, Int32(k),
                                        Int32(g.stride), Int32(g.padding), bias[c], d.activation.code,
                                        out + nc * g.outPlane, scratch)
                }
            }
            if let pool = d.pool {
                let means = slot(pool)
                GlobalAveragePooling.means(out + first * g.outPlane, planes: last - first, count: g.outPlane, into: means + first)
            }
            return first * g.outPlane..<last * g.outPlane
        case .add(let a, let b, let count, let activation):
            let r = Self.split(count, chunk: chunk, of: chunks)
            sfc_add(slot(a) + r.lowerBound, slot(b) + r.lowerBound, r.count, activation.code, out + r.lowerBound, 0)
            return r
        case .scale(let x, let s, let planes, let plane, let activation):
            let r = Self.split(planes, chunk: chunk, of: chunks, align: 1)
            sfc_scale_channels(slot(x) + r.lowerBound * plane, slot(s) + r.lowerBound, Int32(r.count), plane,
                               activation.code, out + r.lowerBound * plane, 0)
            return r.lowerBound * plane..<r.upperBound * plane
        case .elementwise(let x, let count, let operation):
            let r = Self.split(count, chunk: chunk, of: chunks)
            let source = slot(x)
            if case .activation(let a) = operation {
                sfc_activate(source + r.lowerBound, r.count, a.code, out + r.lowerBound, 0)
            } else {
                if source != out { (out + r.lowerBound).update(from: source + r.lowerBound, count: r.count) }
                operation.apply(out + r.lowerBound, count: r.count)
            }
            return r
        case .globalAveragePool(let x, let planes, let plane):
            let r = Self.split(planes, chunk: chunk, of: chunks, align: 1)
            let source = slot(x)
            GlobalAveragePooling.means(source + r.lowerBound * plane, planes: r.count, count: plane, into: out + r.lowerBound)
            return r
        case .gemm(let g) where g.m == 1 && g.transposeB && !g.transposeA:
            // One row: dot products, without BLAS's per-call overhead.
            sfc_matvec(Int32(g.n), Int32(g.k), slot(g.b), slot(g.a), out, 0)
            if g.alpha != 1 { for j in 0..<g.n { out[j] *= g.alpha } }
            if let c = g.c {
                let values = slot(c)
                for j in 0..<g.n { out[j] += g.beta * values[j] }
            }
            return 0..<g.n
        case .gemm(let g):
            if let c = g.c {
                let values = slot(c)
                if g.cIsRow {
                    for i in 0..<g.m { (out + i * g.n).update(from: values, count: g.n) }
                } else {
                    out.update(from: values, count: g.m * g.n)
                }
            }
            BLAS.sgemm(transposeA: g.transposeA, transposeB: g.transposeB, m: g.m, n: g.n, k: g.k, alpha: g.alpha,
                       a: slot(g.a), lda: g.lda, b: slot(g.b), ldb: g.ldb, beta: g.c == nil ? 0 : g.beta, c: out, ldc: g.n)
            return 0..<g.m * g.n
        case .matmul(let p):
            let (a, b) = (slot(p.a), slot(p.b))
            for i in 0..<p.batch {
                BLAS.sgemm(m: p.m, n: p.n, k: p.k, a: a + i * p.m * p.k, lda: p.k, b: p.batchedB ? b + i * p.k * p.n : b,
                           ldb: p.n, c: out + i * p.m * p.n, ldc: p.n)
            }
            return 0..<p.batch * p.m * p.n
        case .fallback:
            preconditionFailure("PlannedKernel.run: fallback steps run through the schedule")
        }
    }
}
