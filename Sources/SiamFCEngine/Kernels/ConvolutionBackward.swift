import SiamFCSupport

extension Convolution {
    /// Gradients of input, weight and bias for the output gradient `dy`: per image and group,
    /// `dW += dY · colᵀ` and `dcol = Wᵀ · dY`, scattered back by ``col2im``. Images are spread over
    /// the cores, each chunk with its own weight-gradient accumulator; the accumulators are summed
    /// in chunk order, so the result does not depend on thread timing.
    static func backward(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, dy: Tensor,
                         needInput: Bool, needWeight: Bool, needBias: Bool)
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?)
    {
        if DepthwiseConvolution.applies(g) {
            return DepthwiseConvolution.backward(g, input: input, weight: weight, dy: dy, needInput: needInput,
                                                 needWeight: needWeight, needBias: needBias)
        }
        precondition(dy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth]
                     && input.shape == [g.batch, g.inChannels, g.height, g.width],
                     "Convolution.backward: input \(input.shape) and gradient \(dy.shape) do not fit \(g)")
        var dx = Tensor(zeros: needInput ? input.shape : [0])
        let cost = 2 * g.groupOut * g.patchSize * g.outPlane * g.groups
        let chunks = max(1, Parallel.chunkCount(g.batch, costPerItem: cost))
        let partial = ScratchBuffer(count: needWeight ? chunks * weight.count : 1)
        if needWeight { partial.pointer.initialize(repeating: 0, count: chunks * weight.count) }
        let weightCount = weight.count
        // A pointwise convolution's column matrix is the image itself: no im2col, no col2im.
        let pointwise = g.kernelHeight == 1 && g.kernelWidth == 1 && g.stride == 1 && g.padding == 0
        input.withBaseAddress { xb in
            weight.withBaseAddress { wb in
                dy.withBaseAddress { gyb in
                    dx.withMutableBaseAddress { gxb in
                        let (xs, ws, gys, gxs) = (UncheckedSendable(xb), UncheckedSendable(wb), UncheckedSendable(gyb),
                                                  UncheckedSendable(gxb))
                        let partials = UncheckedSendable(partial.pointer)
                        Parallel.forEachChunkWithIndex(g.batch, costPerItem: cost) { chunk, images in
                            let scratch = ScratchBuffer(count: pointwise ? 1 : g.patchSize * g.outPlane)
                            let gw = partials.value + chunk * weightCount
                            for n in images {
                                let imageOffset = n * g.inChannels * g.height * g.width
                                for group in 0..<g.groups {
                                    let gyGroup = gys.value + (n * g.outChannels + group * g.groupOut) * g.outPlane
                                    let groupImage = g.outPlane * group * g.groupIn
                                    if needWeight {
                                        if !pointwise {
                                            im2colBlock(g, image: xs.value + imageOffset, phases: nil,
                                                        channel0: group * g.groupIn, start: 0, count: g.outPlane,
                                                        col: scratch.pointer)
                                        }
                                        BLAS.sgemm(
                                            transposeB: true, m: g.groupOut, n: g.patchSize, k: g.outPlane,
                                            a: gyGroup, lda: g.outPlane,
                                            b: pointwise ? xs.value + imageOffset + groupImage : UnsafePointer(scratch.pointer),
                                            ldb: g.outPlane, beta: 1, c: gw + group * g.groupOut * g.patchSize, ldc: g.patchSize)
                                    }
                                    if needInput {
                                        // Each (image, group) owns its slice of the input gradient, so the
                                        // pointwise product is stored straight into it.
                                        BLAS.sgemm(
                                            transposeA: true, m: g.patchSize, n: g.outPlane, k: g.groupOut,
                                            a: ws.value + group * g.groupOut * g.patchSize, lda: g.patchSize,
                                            b: gyGroup, ldb: g.outPlane,
                                            c: pointwise ? gxs.value + imageOffset + groupImage : scratch.pointer, ldc: g.outPlane)
                                        if !pointwise {
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

    /// Per-channel sums over batch and space: the bias gradient.
    static func channelSums(_ t: Tensor, batch: Int, channels: Int, plane: Int) -> Tensor {
        precondition(t.count == batch * channels * plane, "Convolution.channelSums: \(t.shape) is not \(batch)x\(channels)x\(plane)")
        return t.withBaseAddress { base in
            Tensor(uninitialized: [channels], pointer: { out in
                let (source, target) = (UncheckedSendable(base), UncheckedSendable(out))
                Parallel.forEachChunk(channels, costPerItem: batch * plane) { range in
                    for c in range {
                        var total: Float = 0
                        for n in 0..<batch {
                            let row = source.value + (n * channels + c) * plane
                            for i in 0..<plane { total += row[i] }
                        }
                        target.value[c] = total
                    }
                }
            })
        }
    }
}
