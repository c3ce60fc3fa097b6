import CKernels
import SiamFCSupport

/// Depthwise convolution (groups = input channels = output channels: one filter per channel),
/// as MobileNet-style networks use it: a square kernel, stride 1 or 2, any zero padding.
///
/// The forward pass is `sfc_depthwise_plane` (depthwise_conv.c) per (image, channel) plane, with
/// the bias and activation fused into its store: AVX2/FMA chosen at run time, portable loops
/// otherwise. The backward pass is `sfc_depthwise_backward_plane` (depthwise_backward.c, see
/// DepthwiseConvolution+Backward.swift); the direct loops here are its reference in tests.
enum DepthwiseConvolution {
    /// Whether `Convolution.forward` and `.backward` route `g` here.
    static func applies(_ g: ConvolutionGeometry) -> Bool {
        g.groups == g.inChannels && g.outChannels == g.inChannels && g.groups > 1
            && g.kernelHeight == g.kernelWidth && (g.stride == 1 || g.stride == 2)
    }

    static let vectorized = sfc_depthwise_available() != 0

    /// The forward pass; `portable` runs the plain C loops whatever the CPU (for tests).
    static func forward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                        activation: FusedActivation, portable: Bool = false) -> Tensor {
        precondition(applies(g) && input.shape == [g.batch, g.inChannels, g.height, g.width]
                     && weight.count == g.outChannels * g.kernelHeight * g.kernelWidth
                     && (bias.map { $0.count == g.outChannels } ?? true),
                     "DepthwiseConvolution.forward: input \(input.shape), weight \(weight.shape) do not fit \(g)")
        let (channels, k, plane, outPlane) = (g.inChannels, g.kernelHeight, g.height * g.width, g.outPlane)
        let scratchCount = sfc_depthwise_scratch_size(Int32(g.height), Int32(g.width), Int32(k), Int32(g.stride),
                                                      Int32(g.padding))
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: channels)
        var result = Tensor(uninitialized: [g.batch, channels, g.outHeight, g.outWidth], pointer: { _ in })
        input.withBaseAddress { xb in
            weight.withBaseAddress { wb in
                result.withMutableBaseAddress { yb in
                    let (xs, ws, ys) = (UncheckedSendable(xb), UncheckedSendable(wb), UncheckedSendable(yb))
                    Parallel.forEachChunk(g.batch * channels, costPerItem: 2 * k * k * outPlane + plane) { range in
                        let scratch = ScratchBuffer(count: scratchCount)
                        for nc in range {
                            let c = nc % channels
                            let run = portable ? sfc_depthwise_plane_portable : sfc_depthwise_plane
                            run(xs.value + nc * plane, Int32(g.height), Int32(g.width), ws.value + c * k * k, Int32(k),
                                Int32(g.stride), Int32(g.padding), biasValues[c], activation.code,
                                ys.value + nc * outPlane, scratch.pointer)
                        }
                    }
                }
            }
        }
        return result
    }

    /// The output columns `ox` whose input column `ox · stride − padding + kx` lies in
    /// `0 ..< size`.
    @inline(__always)
    static func validOutputs(tap kx: Int, size: Int, out: Int, stride s: Int, padding p: Int) -> Range<Int> {
        // ox · s ≥ p − kx  and  ox · s ≤ size − 1 + p − kx
        let low = max(0, (p - kx + s - 1) / s)
        let highValue = size - 1 + p - kx
        let high = highValue < 0 ? 0 : min(out, highValue / s + 1)
        return low < high ? low..<high : 0..<0
    }

    /// Gradients of input, weight and bias for the output gradient `dy` (of the convolution
    /// before any activation), by direct loops: the reference the C backward is tested against.
    /// The input gradient runs in parallel over (image, channel) planes, the weight gradient over
    /// channels, each summing its images in order.
    static func referenceBackward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, dy: Tensor,
                         needInput: Bool, needWeight: Bool, needBias: Bool)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?)
    {
        precondition(applies(g) && dy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth]
                     && input.shape == [g.batch, g.inChannels, g.height, g.width],
                     "DepthwiseConvolution.backward: input \(input.shape) and gradient \(dy.shape) do not fit \(g)")
        let (channels, k, s, p) = (g.inChannels, g.kernelHeight, g.stride, g.padding)
        let (h, w, oh, ow) = (g.height, g.width, g.outHeight, g.outWidth)
        let (plane, outPlane) = (h * w, oh * ow)
        // Valid output column ranges per kernel column, and output rows per kernel row.
        let columns = (0..<k).map { validOutputs(tap: $0, size: w, out: ow, stride: s, padding: p) }
        let rows = (0..<k).map { validOutputs(tap: $0, size: h, out: oh, stride: s, padding: p) }
        var dx: Tensor?
        if needInput {
            var gx = Tensor(zeros: input.shape)
            weight.withBaseAddress { wb in
                dy.withBaseAddress { gyb in
                    gx.withMutableBaseAddress { gxb in
                        let (ws, gys, gxs) = (UncheckedSendable(wb), UncheckedSendable(gyb), UncheckedSendable(gxb))
                        Parallel.forEachChunk(g.batch * channels, costPerItem: 2 * k * k * outPlane) { range in
                            for nc in range {
                                let filter = ws.value + (nc % channels) * k * k
                                let gy = gys.value + nc * outPlane, gxPlane = gxs.value + nc * plane
                                for ky in 0..<k {
                                    for oy in rows[ky] {
                                        let gyRow = gy + oy * ow, gxRow = gxPlane + (oy * s - p + ky) * w
                                        for kx in 0..<k {
                                            let tap = filter[ky * k + kx]
                                            let shift = kx - p
                                            for ox in columns[kx] { gxRow[ox * s + shift] += tap * gyRow[ox] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            dx = gx
        }
        var dw: Tensor?
        if needWeight {
            dw = input.withBaseAddress { xb in
                dy.withBaseAddress { gyb in
                    Tensor(uninitialized: weight.shape, pointer: { gwb in
                        let (xs, gys, gws) = (UncheckedSendable(xb), UncheckedSendable(gyb), UncheckedSendable(gwb))
                        Parallel.forEachChunk(channels, costPerItem: 2 * k * k * outPlane * g.batch) { range in
                            for c in range {
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        var total: Float = 0
                                        let shift = kx - p
                                        for n in 0..<g.batch {
                                            let gy = gys.value + (n * channels + c) * outPlane
                                            let x = xs.value + (n * channels + c) * plane
                                            for oy in rows[ky] {
                                                let gyRow = gy + oy * ow, xRow = x + (oy * s - p + ky) * w
                                                for ox in columns[kx] { total += gyRow[ox] * xRow[ox * s + shift] }
                                            }
                                        }
                                        gws.value[c * k * k + ky * k + kx] = total
                                    }
                                }
                            }
                        }
                    })
                }
            }
        }
        let db = needBias ? Convolution.channelSums(dy, batch: g.batch, channels: channels, plane: outPlane) : nil
        return (dx, dw, db)
    }
}
