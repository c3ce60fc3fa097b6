/// `min(max(x, lower), upper)`, element-wise (ONNX Clip); throws when `lower > upper`.
public func clip(_ x: Variable, min lower: Float, max upper: Float) throws -> Variable {
    let y = try x.value.clipped(min: lower, max: upper)
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(inputs[0].value.clipGradient(dy, min: lower, max: upper))
    }
}

/// `min(max(x, 0), 6)`, element-wise (MobileNet's ReLU6).
public func relu6(_ x: Variable) -> Variable {
    Variable(x.value.relu6(), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(inputs[0].value.activationGradient(.relu6, dy))
    }
}
