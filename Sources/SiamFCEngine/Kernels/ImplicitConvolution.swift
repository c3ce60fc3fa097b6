import CKernels
import SiamFCSupport

extension Convolution {
    /// Convolution without padding, computed straight from the input by `sfc_conv_rows`: each
    /// step of the kernel reads 16 consecutive input floats at a precomputed tap offset, so
    /// nothing is copied (strided layers read the phase-split input). Work is split over
    /// (image, group, block of output rows).
    static func forwardImplicit(_ g: ConvolutionGeometry, input: Tensor, weight: Tensor, bias: Tensor?,
                                relu: Bool) -> Tensor {
        precondition(g.padding == 0 && g.patchSize > 0, "Convolution.forwardImplicit: needs no padding and some kernel taps")
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
        var result = Tensor(uninitialized: [g.batch, g.outChannels, oh, ow], pointer: { _ in })
        let panelSize = sfc_small_gemm_packed_size(Int32(g.groupOut), Int32(g.patchSize))
        let packed = ScratchBuffer(count: max(1, panelSize * g.groups))
        let biasValues = bias?.scalars ?? [Float](repeating: 0, count: g.outChannels)
        // Rows per task: at least four tasks per core to balance them, at most ~4096 outputs each.
        let wanted = 4 * Parallel.coreCount
        let rowsPerTask = max(1, min(4096 / max(ow, 1), g.batch * g.groups * oh / wanted))
        let rowBlocks = (oh + rowsPerTask - 1) / rowsPerTask
        input.withBaseAddress { xb in
            weight.withBaseAddress { wb in
                result.withMutableBaseAddress { yb in
                    for group in 0..<g.groups {
                        sfc_small_gemm_pack(Int32(g.groupOut), Int32(g.patchSize), wb + group * g.groupOut * g.patchSize,
                                            Int32(g.patchSize), packed.pointer + group * panelSize)
                    }
                    let phases = s > 1 ? splitPhases(g, input: xb) : nil
                    let source = phases.map { UnsafePointer($0.pointer) } ?? xb
                    let imageSize = g.inChannels * channelSize
                    offsets.withUnsafeBufferPointer { taps in
                        guard let tapBase = taps.baseAddress else { preconditionFailure("no kernel taps") }
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
                                                  biasBase.baseAddress.map { $0 + group * g.groupOut },
                                                  (relu ? FusedActivation.relu : .none).code, groupOutput, Int32(oh * ow), 0)
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
