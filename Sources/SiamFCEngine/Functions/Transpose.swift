/// The dimensions permuted: output dimension `i` is dimension `permutation[i]` of `x`; the
/// gradient is the inverse permutation of the output gradient.
public func transpose(_ x: Variable, _ permutation: [Int]) throws -> Variable {
    try Transposition.check(x.shape, permutation)
    let inverse = Transposition.inverse(permutation)
    return Variable(Transposition.forward(x.value, permutation), inputs: [x]) { dy, inputs in
        inputs[0].accumulate(Transposition.forward(dy, inverse))
    }
}
