/// `activation(conv2d(x, weight, bias))` in one pass: a convolution whose outputs are stored
/// through ReLU, ReLU6 or HardSwish. Depthwise convolutions (groups = channels) run on the
/// depthwise kernel, pointwise ones (1x1) on sgemm, both with the activation fused.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable? = nil, stride: Int = 1, padding: Int = 0,
                   groups: Int = 1, activation: FusedActivation) throws -> Variable {
    let g = try ConvolutionGeometry(input: x.shape, weight: weight.shape, stride: stride, padding: padding, groups: groups)
    if let bias, bias.shape != [g.outChannels] {
        throw EngineError("conv2d: bias shape \(bias.shape) does not match \(g.outChannels) output channels")
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    // With a graph to record, the pre-activation values are kept for the gradient.
    let recording = !Variable.gradientsDisabled && inputs.contains { $0.requiresGrad }
    if !recording || activation == .none {
        let y = Convolution.forward(g, input: x.value, weight: weight.value, bias: bias?.value, activation: activation)
        return Variable(y, inputs: inputs) { dy, inputs in
            convolutionBackward(g, dy, inputs)
        }
    }
    let z = Convolution.forward(g, input: x.value, weight: weight.value, bias: bias?.value, activation: .none)
    return Variable(z.activated(activation), inputs: inputs) { dy, inputs in
        convolutionBackward(g, z.activationGradient(activation, dy), inputs)
    }
}

/// Accumulates the gradients of a convolution's input, weight and bias (`inputs` in that
/// order) for the gradient `dz` of its output before any activation.
func convolutionBackward(_ g: ConvolutionGeometry, _ dz: Tensor, _ inputs: [Variable]) {
    let grads = Convolution.backward(
        g, input: inputs[0].value, weight: inputs[1].value, dy: dz,
        needInput: inputs[0].requiresGrad, needWeight: inputs[1].requiresGrad,
        needBias: inputs.count > 2 && inputs[2].requiresGrad)
    if let d = grads.input { inputs[0].accumulate(d) }
    if let d = grads.weight { inputs[1].accumulate(d) }
    if let d = grads.bias { inputs[2].accumulate(d) }
}

extension Tensor {
    /// Inference-only convolution with a fused activation (see
    /// ``conv2d(_:weight:bias:stride:padding:groups:activation:)``).
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       groups: Int = 1, activation: FusedActivation) throws -> Tensor {
        let g = try ConvolutionGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding, groups: groups)
        if let bias, bias.shape != [g.outChannels] {
            throw EngineError("conv2d: bias shape \(bias.shape) does not match \(g.outChannels) output channels")
        }
        return Convolution.forward(g, input: self, weight: weight, bias: bias, activation: activation)
    }
}
