/// Element-wise arithmetic and reductions on variables with equal shapes.
public func + (a: Variable, b: Variable) throws -> Variable {
    try sameShape(a, b, "add")
    return Variable(a.value.zipMap(b.value, +), inputs: [a, b]) { dy, inputs in
        inputs[0].accumulate(dy)
        inputs[1].accumulate(dy)
    }
}

public func - (a: Variable, b: Variable) throws -> Variable {
    try sameShape(a, b, "subtract")
    return Variable(a.value.zipMap(b.value, -), inputs: [a, b]) { dy, inputs in
        inputs[0].accumulate(dy)
        inputs[1].accumulate(dy.map { -$0 })
    }
}

public func * (a: Variable, b: Variable) throws -> Variable {
    try sameShape(a, b, "multiply")
    return Variable(a.value.zipMap(b.value, *), inputs: [a, b]) { dy, inputs in
        if inputs[0].requiresGrad { inputs[0].accumulate(dy.zipMap(inputs[1].value, *)) }
        if inputs[1].requiresGrad { inputs[1].accumulate(dy.zipMap(inputs[0].value, *)) }
    }
}

public func * (a: Variable, factor: Float) -> Variable {
    Variable(a.value.map { $0 * factor }, inputs: [a]) { dy, inputs in
        inputs[0].accumulate(dy.map { $0 * factor })
    }
}

/// The sum of all elements, as a scalar.
public func sum(_ x: Variable) -> Variable {
    Variable(Tensor(x.value.sum()), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Tensor(repeating: dy.item, shape: inputs[0].shape))
    }
}

/// The mean of all elements, as a scalar.
public func mean(_ x: Variable) -> Variable {
    let n = Float(max(x.value.count, 1))
    return Variable(Tensor(x.value.sum() / n), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Tensor(repeating: dy.item / n, shape: inputs[0].shape))
    }
}

private func sameShape(_ a: Variable, _ b: Variable, _ op: String) throws {
    guard a.shape == b.shape else { throw EngineError("\(op): shapes \(a.shape) and \(b.shape) differ") }
}
