import CKernels
import SiamFCSupport

extension DepthwiseConvolution {
    static let backwardVectorized = sfc_depthwise_backward_available() != 0

    /// Gradients of input, weight and bias for the output gradient `dy` (of the convolution
    /// before any activation): `sfc_depthwise_backward_plane` per (image, channel) plane, in
    /// parallel over channels, each channel summing its images in order, so results do not depend
    /// on the thread count. `portable` runs the plain C loops whatever the CPU (for tests).
    static func backward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, dy: Tensor,
                         needInput: Bool, needWeight: Bool, needBias: Bool, portable: Bool = false)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?)
    {
        precondition(applies(g) && dy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth]
                     && input.shape == [g.batch, g.inChannels, g.height, g.width]
                     && weight.count == g.outChannels * g.kernelHeight * g.kernelWidth,
                     "DepthwiseConvolution.backward: input \(input.shape), weight \(weight.shape) and gradient \(dy.shape) do not fit \(g)")
        guard needInput || needWeight else {
            return (nil, nil, needBias ? Convolution.channelSums(dy, batch: g.batch, channels: g.outChannels, plane: g.outPlane) : nil)
        }
        let (channels, k, plane, outPlane) = (g.inChannels, g.kernelHeight, g.height * g.width, g.outPlane)
        let scratchCount = Int(sfc_depthwise_backward_scratch_size(Int32(g.height), Int32(g.width), Int32(k), Int32(g.stride),
                                                               Int32(g.padding)))
        let vector: Int32 = backwardVectorized && !portable ? 1 : 0
        var dx = Tensor(zeros: needInput ? input.shape : [0])
        var dw = Tensor(zeros: weight.shape)
        input.withBaseAddress { xb in
            weight.withBaseAddress { wb in
                dy.withBaseAddress { gyb in
                    dx.withMutableBaseAddress { gxb in
                        dw.withMutableBaseAddress { gwb in
                            let (xs, ws, gys) = (UncheckedSendable(xb), UncheckedSendable(wb), UncheckedSendable(gyb))
                            let (gxs, gws) = (UncheckedSendable(gxb), UncheckedSendable(gwb))
                            Parallel.forEachChunk(channels, costPerItem: 4 * k * k * outPlane * g.batch) { range in
                                let scratch = ScratchBuffer(count: scratchCount)
                                for c in range {
                                    for n in 0..<g.batch {
                                        let nc = n * channels + c
                                        sfc_depthwise_backward_plane(
                                            xs.value + nc * plane, gys.value + nc * outPlane, Int32(g.height), Int32(g.width),
                                            ws.value + c * k * k, Int32(k), Int32(g.stride), Int32(g.padding),
                                            needInput ? gxs.value + nc * plane : nil, gws.value + c * k * k, scratch.pointer, vector)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let db = needBias ? Convolution.channelSums(dy, batch: g.batch, channels: channels, plane: outPlane) : nil
        return (needInput ? dx : nil, needWeight ? dw : nil, db)
    }
}
