import SiamFCEngine

/// A convolution whose weight and bias come from the graph at run time: square stride, equal
/// or per-side padding, groups.
struct ONNXDynamicConvolution: Sendable {
    let stride: Int
    let padding: Int
    let prePadding: ONNXPads?
    let groups: Int
    /// `kernel_shape` when the file gives it: checked against the weight at run time.
    let kernel: [Int]?
}

extension ONNXDynamicConvolution {
    /// `x` convolved with `weight` `[out, in/groups, kh, kw]` and the optional `bias` `[out]`.
    func run(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard weight.rank == 4 else { throw EngineError("conv: weight of shape \(weight.shape) is not 4-D") }
        if let kernel, kernel != Array(weight.shape[2...]) {
            throw EngineError("conv: weight \(weight.shape) does not match kernel_shape \(kernel)")
        }
        let input = try prePadding?.apply(x, value: 0) ?? x
        return try input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, activation: .none)
    }
}
