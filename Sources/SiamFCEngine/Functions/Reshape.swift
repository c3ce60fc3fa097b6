/// The same values under a new shape (one dimension may be -1).
public func reshape(_ x: Variable, _ shape: [Int]) throws -> Variable {
    let y = try x.value.reshaped(shape)
    let original = x.shape
    return Variable(y, inputs: [x]) { dy, inputs in
        inputs[0].accumulate(dy.viewed(as: original))
    }
}

/// `[N, ...] -> [N, product of the rest]`.
public func flatten(_ x: Variable) throws -> Variable {
    guard let n = x.shape.first else { throw EngineError("flatten: needs at least one dimension") }
    return try reshape(x, [n, n == 0 ? 0 : x.value.count / n])
}
