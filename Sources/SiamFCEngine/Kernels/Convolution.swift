import CKernels
import SiamFCSupport

/// Convolution through im2col and sgemm, or through the implicit GEMM of `CKernels` (see
/// ImplicitConvolution.swift). Forward and both backward products are GEMMs on the same column
/// matrix (Im2col.swift, ConvolutionBackward.swift).
enum Convolution {
    /// Output pixels per GEMM block: about 128K floats of im2col columns, the size that measured
    /// fastest (smaller blocks pay more per-call overhead than they gain in cache).
    static func blockWidth(_ g: ConvolutionGeometry) -> Int {
        let fit = (128 * 1024) / max(g.patchSize, 1)
        return min(g.outPlane, max(64, fit / 16 * 16))
    }

    /// How the convolution is multiplied out.
    enum Kernel {
        /// im2col blocks and OpenBLAS's sgemm.
        case blas
        /// The implicit GEMM of `CKernels`: no im2col at all (no padding only).
        case implicit
        /// `implicit` for unpadded convolutions whose groups have at most 64 output channels,
        /// on CPUs that run it; `blas` otherwise.
        case automatic
    }

    static let implicitAvailable = sfc_small_gemm_available() != 0

    /// The forward convolution. Unless the implicit kernel takes it, it is GEMMs over blocks of
    /// output pixels: each core fills a cache-sized block of im2col columns and multiplies it,
    /// single-threaded, straight into the NCHW output, so the column matrix never goes out to
    /// memory.
    static func forward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                        relu: Bool = false, kernel: Kernel = .automatic) -> Tensor {
        forward(g, input: input, weight: weight, bias: bias, activation: relu ? .relu : .none, kernel: kernel)
    }

    /// As ``forward(_:input:weight:bias:relu:kernel:)`` with any fused activation. Depthwise
    /// convolutions (`DepthwiseConvolution.applies`) run on the depthwise kernel; on the BLAS
    /// path ReLU6 and HardSwish are applied to each block of outputs right after its GEMM.
    static func forward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                        activation: FusedActivation, kernel: Kernel = .automatic) -> Tensor {
        if kernel == .automatic && DepthwiseConvolution.applies(g) {
            return DepthwiseConvolution.forward(g, input: input, weight: weight, bias: bias, activation: activation)
        }
        let relu = activation == .relu
        let blockActivation: FusedActivation? = activation == .none ? nil : activation
        // The implicit kernel streams the input for every 6-channel panel; beyond 64 channels that
        // strip leaves L1 and BLAS's packed blocks win.
        if kernel == .implicit
            || (kernel == .automatic && implicitAvailable && g.padding == 0 && !g.isPointwise && g.groupOut <= 64
                && g.patchSize > 0) {
            let y = forwardImplicit(g, input: input, weight: weight, bias: bias, relu: relu)
            return relu ? y : blockActivation.map { y.activated($0) } ?? y
        }
        var result = Tensor(uninitialized: [g.batch, g.outChannels, g.outHeight, g.outWidth], pointer: { _ in })
        let width = blockWidth(g)
        let blocks = (g.outPlane + width - 1) / width
        let tasks = g.batch * g.groups * blocks
        input.withBaseAddress { xb in
            weight.withBaseAddress { wb in
                result.withMutableBaseAddress { yb in
                    let (xs, ws, ys) = (UncheckedSendable(xb), UncheckedSendable(wb), UncheckedSendable(yb))
                    let phases = g.stride > 1 && !g.isPointwise ? splitPhases(g, input: xb) : nil
                    let biasValues = bias?.scalars
                    let phaseImage = g.height * g.stride * ((g.width + g.stride - 1) / g.stride) * g.inChannels
                    Parallel.forEachChunk(tasks, costPerItem: width * g.patchSize * g.groupOut) { range in
                        let scratch = g.isPointwise ? nil : ScratchBuffer(count: g.patchSize * width)
                        for task in range {
                            let block = task % blocks
                            let group = (task / blocks) % g.groups
                            let n = task / (blocks * g.groups)
                            let start = block * width
                            let count = min(width, g.outPlane - start)
                            let image = xs.value + n * g.inChannels * g.height * g.width
                            let b: UnsafePointer<Float>
                            let ldb: Int
                            if let scratch {
                                im2colBlock(g, image: image, phases: phases.map { UnsafePointer($0.pointer) + n * phaseImage },
                                            channel0: group * g.groupIn, start: start, count: count, col: scratch.pointer)
                                (b, ldb) = (UnsafePointer(scratch.pointer), count)
                            } else {
                                (b, ldb) = (image + group * g.groupIn * g.outPlane + start, g.outPlane)
                            }
                            // The block of C starts as the bias and the product is added to it
                            // (beta = 1): that saves BLAS's zeroing pass and a bias pass.
                            let c = ys.value + (n * g.outChannels + group * g.groupOut) * g.outPlane + start
                            for o in 0..<g.groupOut {
                                let value = biasValues?[group * g.groupOut + o] ?? 0
                                (c + o * g.outPlane).update(repeating: value, count: count)
                            }
                            BLAS.sgemm(
                                m: g.groupOut, n: count, k: g.patchSize,
                                a: ws.value + group * g.groupOut * g.patchSize, lda: g.patchSize,
                                b: b, ldb: ldb, beta: 1, c: c, ldc: g.outPlane)
                            if let blockActivation {
                                for o in 0..<g.groupOut {
                                    let row = c + o * g.outPlane
                                    for i in 0..<count { row[i] = blockActivation.apply(row[i]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Adds the per-channel bias (if any) and, with `relu`, clamps at zero, in one pass.
    static func addBias(_ bias: Tensor?, to y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int,
                        relu: Bool = false) {
        let bias = bias ?? Tensor(zeros: [channels])
        precondition(bias.count == channels, "Convolution.addBias: \(bias.count) values for \(channels) channels")
        bias.withBaseAddress { b in
            let (values, output) = (UncheckedSendable(b), UncheckedSendable(y))
            Parallel.forEachChunk(batch * channels, costPerItem: plane) { range in
                for nc in range {
                    let value = values.value[nc % channels]
                    let row = output.value + nc * plane
                    if relu {
                        for i in 0..<plane { row[i] = max(row[i] + value, 0) }
                    } else {
                        for i in 0..<plane { row[i] += value }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Inference-only convolution on plain tensors (no graph); `relu: true` applies a ReLU
    /// in the same pass as the bias.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       groups: Int = 1, relu: Bool = false) throws -> Tensor {
        let g = try ConvolutionGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding, groups: groups)
        if let bias, bias.shape != [g.outChannels] {
            throw EngineError("conv2d: bias shape \(bias.shape) does not match \(g.outChannels) output channels")
        }
        return Convolution.forward(g, input: self, weight: weight, bias: bias, relu: relu)
    }
}
