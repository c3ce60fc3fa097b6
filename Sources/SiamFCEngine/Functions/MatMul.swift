/// The batched matrix product `op(a) · op(b)` on the last two dimensions, `op` transposing
/// them when asked: `[..., m, k] · [..., k, n] → [..., m, n]`. Batch dimensions must be equal,
/// or absent on one side (that matrix then serves every item, and its gradient sums over them).
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
    let l = try MatrixProduct.layout(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    return Variable(MatrixProduct.forward(a.value, b.value, l), inputs: [a, b]) { dy, inputs in
        let grads = MatrixProduct.backward(inputs[0].value, inputs[1].value, dy, l,
                                           needA: inputs[0].requiresGrad, needB: inputs[1].requiresGrad)
        if let d = grads.a { inputs[0].accumulate(d) }
        if let d = grads.b { inputs[1].accumulate(d) }
    }
}
