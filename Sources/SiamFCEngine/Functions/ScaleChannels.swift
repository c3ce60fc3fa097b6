/// Every plane times its factor: `x [N, C, H, W] × scale [N, C, 1, 1]` (the excitation of a
/// squeeze-and-excitation block); throws when `scale` is not `[N, C, 1, 1]`.
public func scaleChannels(_ x: Variable, by scale: Variable) throws -> Variable {
    try ChannelScaling.check(x.shape, scale.shape, op: "scaleChannels")
    return Variable(ChannelScaling.forward(x.value, scale.value), inputs: [x, scale]) { dy, inputs in
        if inputs[0].requiresGrad { inputs[0].accumulate(ChannelScaling.forward(dy, inputs[1].value)) }
        if inputs[1].requiresGrad { inputs[1].accumulate(ChannelScaling.scaleGradient(dy, input: inputs[0].value)) }
    }
}
