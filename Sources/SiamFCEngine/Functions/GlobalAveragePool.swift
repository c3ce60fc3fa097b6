/// The mean of every (image, channel) plane: `[N, C, H, W] → [N, C, 1, 1]`.
public func globalAveragePool(_ x: Variable) throws -> Variable {
    try GlobalAveragePooling.check(x.shape, op: "globalAveragePool")
    let shape = x.shape
    return Variable(GlobalAveragePooling.forward(x.value), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(GlobalAveragePooling.backward(dy, inputShape: shape))
    }
}
