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
