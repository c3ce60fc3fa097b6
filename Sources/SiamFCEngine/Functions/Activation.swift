/// `max(x, 0)`, element-wise.
public func relu(_ x: Variable) -> Variable {
    let y = x.value.relu()
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(y.reluGradient(dy))
    }
}

/// `1 / (1 + exp(-x))`, element-wise.
public func sigmoid(_ x: Variable) -> Variable {
    let y = x.value.sigmoid()
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(y.sigmoidGradient(dy))
    }
}
