import CKernels
import SiamFCSupport

/// The shapes of one 2-D convolution: NCHW input, `[outChannels, inChannels/groups, kh, kw]`
/// weight, zero padding, equal stride in both directions.
public struct ConvolutionGeometry: Sendable, Equatable {
    public let batch, inChannels, height, width: Int
    public let outChannels, kernelHeight, kernelWidth: Int
    public let stride, padding, groups: Int

    public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    var groupIn: Int { inChannels / groups }
    var groupOut: Int { outChannels / groups }
    /// Rows of the im2col matrix of one group: its GEMM's inner dimension.
    var patchSize: Int { groupIn * kernelHeight * kernelWidth }
    var outPlane: Int { outHeight * outWidth }
    /// Multiply-adds of the forward pass, times two.
    public var flops: Int { 2 * batch * outChannels * outPlane * patchSize }

    public init(input: [Int], weight: [Int], stride: Int, padding: Int, groups: Int) throws {
        guard input.count == 4 else { throw EngineError("conv2d: input must be NCHW, got shape \(input)") }
        guard weight.count == 4 else { throw EngineError("conv2d: weight must be [out, in/groups, kh, kw], got \(weight)") }
        guard stride >= 1, padding >= 0, groups >= 1 else {
            throw EngineError("conv2d: stride \(stride), padding \(padding), groups \(groups) out of range")
        }
        guard input[1] % groups == 0, weight[0] % groups == 0, weight[1] * groups == input[1] else {
            throw EngineError("conv2d: weight \(weight) with \(groups) groups does not fit input \(input)")
        }
        guard input[2] + 2 * padding >= weight[2], input[3] + 2 * padding >= weight[3] else {
            throw EngineError("conv2d: kernel \(weight[2])x\(weight[3]) larger than padded input \(input)")
        }
        batch = input[0]; inChannels = input[1]; height = input[2]; width = input[3]
        outChannels = weight[0]; kernelHeight = weight[2]; kernelWidth = weight[3]
        self.stride = stride; self.padding = padding; self.groups = groups
    }

    /// A 1x1 convolution with stride 1 and no padding reads its input directly as the GEMM
    /// operand: no im2col copy.
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == 0 }
}

/// Convolution through im2col and sgemm. Forward and both backward products are GEMMs on the
/// same column matrix.
enum Convolution {
    /// Adds the columns of `col` back into the image gradient: the transpose of im2col.
    static func col2im(_ g: ConvolutionGeometry, col: UnsafePointer<Float>, channel0: Int,
                       image: UnsafeMutablePointer<Float>) {
        let (kh, kw, s, p) = (g.kernelHeight, g.kernelWidth, g.stride, g.padding)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        for cl in 0..<g.groupIn {
            let plane = image + (channel0 + cl) * h * w
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = (cl * kh + ky) * kw + kx
                    let src = col + row * oh * ow
                    let x0 = min(ow, max(0, (p - kx + s - 1) / s))
                    let x1 = max(x0, min(ow, (w + p - kx + s - 1) / s))
                    for oy in 0..<oh {
                        let iy = oy * s - p + ky
                        if iy < 0 || iy >= h { continue }
                        let dst = plane + iy * w
                        let line = src + oy * ow
                        var ix = x0 * s - p + kx
                        for ox in x0..<x1 {
                            dst[ix] += line[ox]
                            ix += s
                        }
                    }
                }
            }
        }
    }

    /// Fills `col` (`patchSize x count`, row-major) with the patches of output pixels
    /// `start ..< start + count` (flattened `oy * outWidth + ox`) of one image and group.
    ///
    /// For strides above 1, `phases` holds the image with each row split into its stride
    /// phases (see ``splitPhases``), so that every copy below is contiguous.
    static func im2colBlock(_ g: ConvolutionGeometry, image: UnsafePointer<Float>, phases: UnsafePointer<Float>?,
                            channel0: Int, start: Int, count: Int, col: UnsafeMutablePointer<Float>) {
        let (kh, kw, s, p) = (g.kernelHeight, g.kernelWidth, g.stride, g.padding)
        let (h, w, ow) = (g.height, g.width, g.outWidth)
        let phaseWidth = (w + s - 1) / s
        let end = start + count
        for row in 0..<g.patchSize {
            let kx = row % kw
            let ky = (row / kw) % kh
            let channel = channel0 + row / (kw * kh)
            let plane = image + channel * h * w
            // Input column of output column ox: s·ox + q, found in phase r at index ox + d.
            let q = kx - p
            let r = ((q % s) + s) % s
            let d = (q - r) / s
            // Output columns whose input column is inside the image: ox in [x0, x1).
            let x0 = min(ow, max(0, (p - kx + s - 1) / s))
            let x1 = max(x0, min(ow, (w + p - kx + s - 1) / s))
            var dst = col + row * count
            var pixel = start
            while pixel < end {
                let oy = pixel / ow
                let a = pixel - oy * ow
                let b = min(ow, a + (end - pixel))
                let iy = oy * s - p + ky
                if iy < 0 || iy >= h {
                    dst.update(repeating: 0, count: b - a)
                } else {
                    let lo = min(max(a, x0), b), hi = max(min(b, x1), lo)
                    if lo > a { dst.update(repeating: 0, count: lo - a) }
                    if s == 1 {
                        copyRun(from: plane + iy * w + (lo + q), to: dst + (lo - a), count: hi - lo)
                    } else if let phases {
                        copyRun(from: phases + (((channel * h + iy) * s + r) * phaseWidth + d + lo), to: dst + (lo - a),
                                count: hi - lo)
                    } else {
                        let src = plane + iy * w
                        var ix = lo * s + q
                        for ox in lo..<hi {
                            dst[ox - a] = src[ix]
                            ix += s
                        }
                    }
                    if b > hi { (dst + (hi - a)).update(repeating: 0, count: b - hi) }
                }
                dst += b - a
                pixel += b - a
            }
        }
    }

    /// Copies a short run (a kernel row's span of one output row, typically 20 to 130 floats)
    /// inline: a vectorised loop beats a call to `memmove` at these lengths.
    @inline(__always)
    static func copyRun(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = src[i] }
    }

    /// Splits every image row into its `stride` phases, `phase r = [x[r], x[r+s], x[r+2s], …]`,
    /// so that a strided convolution reads contiguous runs: `[batch·C, H, s, ⌈W/s⌉]`.
    static func splitPhases(_ g: ConvolutionGeometry, input: UnsafePointer<Float>) -> ScratchBuffer {
        let (h, w, s) = (g.height, g.width, g.stride)
        let phaseWidth = (w + s - 1) / s
        let buffer = ScratchBuffer(count: g.batch * g.inChannels * h * s * phaseWidth)
        let (src, dst) = (UncheckedSendable(input), UncheckedSendable(buffer.pointer))
        Parallel.forEachChunk(g.batch * g.inChannels * h, costPerItem: w) { rows in
            for row in rows {
                let from = src.value + row * w
                let to = dst.value + row * s * phaseWidth
                for phase in 0..<s {
                    let out = to + phase * phaseWidth
                    let count = (w - phase + s - 1) / s
                    for j in 0..<count { out[j] = from[j * s + phase] }
                    // The short last phase is padded so that every phase row is fully defined.
                    if count < phaseWidth { (out + count).update(repeating: 0, count: phaseWidth - count) }
                }
            }
        }
        return buffer
    }

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
        // The implicit kernel streams the input for every 6-channel panel; beyond 64 channels that
        // strip leaves L1 and BLAS's packed blocks win.
        if kernel == .implicit
            || (kernel == .automatic && implicitAvailable && g.padding == 0 && !g.isPointwise && g.groupOut <= 64) {
            return forwardImplicit(g, input: input, weight: weight, bias: bias, relu: relu)
        }
        var result = Tensor(uninitializedShape: [g.batch, g.outChannels, g.outHeight, g.outWidth]) { _ in }
        let width = blockWidth(g)
        let blocks = (g.outPlane + width - 1) / width
        let tasks = g.batch * g.groups * blocks
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wt in
                result.withUnsafeMutableBufferPointer { y in
                    guard let xb = x.baseAddress, let wb = wt.baseAddress, let yb = y.baseAddress else { return }
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
                        }
                    }
                    if relu { addBias(nil, to: yb, batch: g.batch, channels: g.outChannels, plane: g.outPlane, relu: true) }
                }
            }
        }
        return result
    }

    /// Convolution without padding, computed straight from the input by `sfc_conv_rows`: each
    /// step of the kernel reads 16 consecutive input floats at a precomputed tap offset, so
    /// nothing is copied (strided layers read the phase-split input). Work is split over
    /// (image, group, block of output rows).
    static func forwardImplicit(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                relu: Bool) -> Tensor {
        let (oh, ow, s) = (g.outHeight, g.outWidth, g.stride)
        let phaseWidth = (g.width + s - 1) / s
        // Input layout the kernel reads, per image: NCHW for stride 1, phase-split otherwise.
        let channelSize = s == 1 ? g.height * g.width : g.height * s * phaseWidth
        let rowStep = s == 1 ? g.width : s * s * phaseWidth
        var offsets = [Int32](repeating: 0, count: g.patchSize)
        for row in 0..<g.patchSize {
            let kx = row % g.kernelWidth, ky = (row / g.kernelWidth) % g.kernelHeight
            let c = row / (g.kernelWidth * g.kernelHeight)
            offsets[row] = Int32(s == 1 ? c * channelSize + ky * g.width + kx
                                 : c * channelSize + (ky * s + kx % s) * phaseWidth + kx / s)
        }
        var result = Tensor(uninitializedShape: [g.batch, g.outChannels, oh, ow]) { _ in }
        let panelSize = sfc_small_gemm_packed_size(Int32(g.groupOut), Int32(g.patchSize))
        let packed = ScratchBuffer(count: max(1, panelSize * g.groups))
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: g.outChannels)
        // Rows per task: at least four tasks per core to balance them, at most ~4096 outputs each.
        let wanted = 4 * Parallel.coreCount
        let rowsPerTask = max(1, min(4096 / max(ow, 1), g.batch * g.groups * oh / wanted))
        let rowBlocks = (oh + rowsPerTask - 1) / rowsPerTask
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                result.withUnsafeMutableBufferPointer { y in
                    guard let xb = x.baseAddress, let wb = w.baseAddress, let yb = y.baseAddress else { return }
                    for group in 0..<g.groups {
                        sfc_small_gemm_pack(Int32(g.groupOut), Int32(g.patchSize), wb + group * g.groupOut * g.patchSize,
                                            Int32(g.patchSize), packed.pointer + group * panelSize)
                    }
                    let phases = s > 1 ? splitPhases(g, input: xb) : nil
                    let source = phases.map { UnsafePointer($0.pointer) } ?? xb
                    let imageSize = g.inChannels * channelSize
                    offsets.withUnsafeBufferPointer { taps in
                        guard let tapBase = taps.baseAddress else { return }
                        let tasks = g.batch * g.groups * rowBlocks
                        Parallel.forEachChunk(tasks, costPerItem: 2 * g.groupOut * g.patchSize * rowsPerTask * ow) { range in
                            for task in range {
                                let block = task % rowBlocks
                                let group = (task / rowBlocks) % g.groups
                                let n = task / (rowBlocks * g.groups)
                                let oy0 = block * rowsPerTask, oy1 = min(oh, oy0 + rowsPerTask)
                                let groupInput = source + n * imageSize + group * g.groupIn * channelSize
                                let groupOutput = yb + (n * g.outChannels + group * g.groupOut) * oh * ow
                                biasValues.withUnsafeBufferPointer { biasBase in
                                    sfc_conv_rows(Int32(g.groupOut), Int32(g.patchSize), packed.pointer + group * panelSize,
                                                  groupInput, tapBase, Int32(rowStep), Int32(oy0), Int32(oy1), Int32(ow),
                                                  biasBase.baseAddress.map { $0 + group * g.groupOut }, relu ? 1 : 0,
                                                  groupOutput, Int32(oh * ow))
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Gradients of input, weight and bias for the output gradient `dy`: per image and group,
    /// `dW += dY · colᵀ` and `dcol = Wᵀ · dY`, scattered back by ``col2im``. Images are spread over
    /// the cores, each chunk with its own weight-gradient accumulator; the accumulators are summed
    /// in chunk order, so the result does not depend on thread timing.
    static func backward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, dy: Tensor,
                         needInput: Bool, needWeight: Bool, needBias: Bool)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?)
    {
        var dx = Tensor(zeros: needInput ? input.shape : [0])
        let cost = 2 * g.groupOut * g.patchSize * g.outPlane * g.groups
        let chunks = max(1, Parallel.chunkCount(g.batch, costPerItem: cost))
        let partial = ScratchBuffer(count: needWeight ? chunks * weight.count : 1)
        if needWeight { partial.pointer.initialize(repeating: 0, count: chunks * weight.count) }
        let weightCount = weight.count
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wt in
                dy.withUnsafeBufferPointer { gy in
                    dx.withUnsafeMutableBufferPointer { gx in
                        guard let xb = x.baseAddress, let wb = wt.baseAddress, let gyb = gy.baseAddress,
                              let gxb = gx.baseAddress else { return }
                        let (xs, ws, gys, gxs) = (UncheckedSendable(xb), UncheckedSendable(wb), UncheckedSendable(gyb),
                                                  UncheckedSendable(gxb))
                        let partials = UncheckedSendable(partial.pointer)
                        Parallel.forEachChunkWithIndex(g.batch, costPerItem: cost) { chunk, images in
                            let scratch = ScratchBuffer(count: g.patchSize * g.outPlane)
                            let gw = partials.value + chunk * weightCount
                            for n in images {
                                let imageOffset = n * g.inChannels * g.height * g.width
                                for group in 0..<g.groups {
                                    let gyGroup = gys.value + (n * g.outChannels + group * g.groupOut) * g.outPlane
                                    if needWeight {
                                        im2colBlock(g, image: xs.value + imageOffset, phases: nil,
                                                    channel0: group * g.groupIn, start: 0, count: g.outPlane,
                                                    col: scratch.pointer)
                                        BLAS.sgemm(
                                            transposeB: true, m: g.groupOut, n: g.patchSize, k: g.outPlane,
                                            a: gyGroup, lda: g.outPlane, b: scratch.pointer, ldb: g.outPlane,
                                            beta: 1, c: gw + group * g.groupOut * g.patchSize, ldc: g.patchSize)
                                    }
                                    if needInput {
                                        BLAS.sgemm(
                                            transposeA: true, m: g.patchSize, n: g.outPlane, k: g.groupOut,
                                            a: ws.value + group * g.groupOut * g.patchSize, lda: g.patchSize,
                                            b: gyGroup, ldb: g.outPlane, c: scratch.pointer, ldc: g.outPlane)
                                        col2im(g, col: scratch.pointer, channel0: group * g.groupIn,
                                               image: gxs.value + imageOffset)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dw: Tensor?
        if needWeight {
            dw = Tensor(uninitializedShape: weight.shape) { out in
                for i in 0..<weightCount {
                    var total: Float = 0
                    for c in 0..<chunks { total += partial.pointer[c * weightCount + i] }
                    out[i] = total
                }
            }
        }
        let db = needBias ? channelSums(dy, batch: g.batch, channels: g.outChannels, plane: g.outPlane) : nil
        return (needInput ? dx : nil, dw, db)
    }

    /// Adds the per-channel bias (if any) and, with `relu`, clamps at zero, in one pass.
    static func addBias(_ bias: Tensor?, to y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, plane: Int,
                        relu: Bool = false) {
        let bias = bias ?? Tensor(zeros: [channels])
        bias.withUnsafeBufferPointer { b in
            let (values, output) = (UncheckedSendable(b.baseAddress!), UncheckedSendable(y))
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

    /// Per-channel sums over batch and space: the bias gradient.
    static func channelSums(_ t: Tensor, batch: Int, channels: Int, plane: Int) -> Tensor {
        t.withUnsafeBufferPointer { src in
            Tensor(uninitializedShape: [channels]) { dst in
                guard let base = src.baseAddress, let out = dst.baseAddress else { return }
                Parallel.forEachChunk(channels, costPerItem: batch * plane) { range in
                    for c in range {
                        var total: Float = 0
                        for n in 0..<batch {
                            let row = base + (n * channels + c) * plane
                            for i in 0..<plane { total += row[i] }
                        }
                        out[c] = total
                    }
                }
            }
        }
    }
}

/// An aligned scratch allocation from ``BufferPool``; returned when the last reference goes.
final class ScratchBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    private let bytes: Int
    init(count: Int) {
        bytes = max(count, 1) * MemoryLayout<Float>.stride
        pointer = BufferPool.shared.allocate(bytes: bytes).bindMemory(to: Float.self, capacity: max(count, 1))
    }
    deinit { BufferPool.shared.release(UnsafeMutableRawPointer(pointer), bytes: bytes) }
}

/// `conv2d(x, weight, bias)`: NCHW input, `[out, in/groups, kh, kw]` weight, optional `[out]`
/// bias; zero padding, equal stride in both directions.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable? = nil,
                   stride: Int = 1, padding: Int = 0, groups: Int = 1) throws -> Variable {
    let g = try ConvolutionGeometry(input: x.shape, weight: weight.shape, stride: stride, padding: padding, groups: groups)
    if let bias, bias.shape != [g.outChannels] {
        throw EngineError("conv2d: bias shape \(bias.shape) does not match \(g.outChannels) output channels")
    }
    let y = Convolution.forward(g, input: x.value, weight: weight.value, bias: bias?.value)
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, inputs: inputs) { dy, inputs in
        let grads = Convolution.backward(
            g, input: inputs[0].value, weight: inputs[1].value, dy: dy,
            needInput: inputs[0].requiresGrad, needWeight: inputs[1].requiresGrad,
            needBias: inputs.count > 2 && inputs[2].requiresGrad)
        if let d = grads.input { inputs[0].accumulate(d) }
        if let d = grads.weight { inputs[1].accumulate(d) }
        if let d = grads.bias { inputs[2].accumulate(d) }
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
