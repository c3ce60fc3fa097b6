/// `y = x W^T + b` for `x: [N, in]`, `W: [out, in]`, `b: [out]` (PyTorch's layout).
public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) throws -> Variable {
    guard x.shape.count == 2, weight.shape.count == 2, x.shape[1] == weight.shape[1] else {
        throw EngineError("linear: input \(x.shape) does not fit weight \(weight.shape) ([out, in])")
    }
    if let bias, bias.shape != [weight.shape[0]] {
        throw EngineError("linear: bias shape \(bias.shape) does not match \(weight.shape[0]) outputs")
    }
    let y = FullyConnected.forward(x.value, weight: weight.value, bias: bias?.value)
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, inputs: inputs) { dy, inputs in
        let (x, w) = (inputs[0], inputs[1])
        if x.requiresGrad { x.accumulate(FullyConnected.inputGradient(dy, weight: w.value)) }
        if w.requiresGrad { w.accumulate(FullyConnected.weightGradient(dy, input: x.value)) }
        if inputs.count > 2, inputs[2].requiresGrad { inputs[2].accumulate(FullyConnected.biasGradient(dy)) }
    }
}
