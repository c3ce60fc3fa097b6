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
