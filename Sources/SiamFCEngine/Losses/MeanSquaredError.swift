/// `mean((x − target)²)` over all elements.
public func meanSquaredError(_ x: Variable, target: Tensor) throws -> Variable {
    guard x.shape == target.shape else {
        throw EngineError("meanSquaredError: shapes \(x.shape) and \(target.shape) differ")
    }
    let diff = x.value.zipMap(target, -)
    let n = Float(max(diff.count, 1))
    let loss = diff.withUnsafeBufferPointer { d in
        var total: Double = 0
        for v in d { total += Double(v * v) }
        return Float(total) / n
    }
    return Variable(Tensor(loss), inputs: [x]) { dy, inputs in
        let factor = 2 * dy.item / n
        inputs[0].accumulate(diff.map { $0 * factor })
    }
}
