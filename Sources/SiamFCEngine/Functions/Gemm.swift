/// ONNX Gemm: `alpha · op(a) · op(b) + beta · c` for matrices, `c` broadcasting to the
/// `[M, N]` result (scalar, `[N]`, `[1, N]`, `[M, 1]` or `[M, N]`); throws naming the shapes
/// when they do not fit.
public func gemm(_ a: Variable, _ b: Variable, c: Variable? = nil, alpha: Float = 1, beta: Float = 1,
                 transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
    let (l, addend) = try GeneralMatrixMultiply.layout(a.shape, b.shape, c?.shape, transposeA: transposeA,
                                                       transposeB: transposeB)
    let y = GeneralMatrixMultiply.forward(a.value, b.value, c?.value, l, addend, alpha: alpha, beta: beta)
    let inputs = [a, b] + (c.map { [$0] } ?? [])
    return Variable(y, inputs: inputs) { dy, inputs in
        let grads = MatrixProduct.backward(inputs[0].value, inputs[1].value, dy, l, alpha: alpha,
                                           needA: inputs[0].requiresGrad, needB: inputs[1].requiresGrad)
        if let d = grads.a { inputs[0].accumulate(d) }
        if let d = grads.b { inputs[1].accumulate(d) }
        if inputs.count > 2, inputs[2].requiresGrad {
            inputs[2].accumulate(GeneralMatrixMultiply.addendGradient(dy, shape: inputs[2].shape, addend, beta: beta))
        }
    }
}
