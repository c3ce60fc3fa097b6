/// `y = x W^T + b` for `x: [N, in]`, `W: [out, in]`, `b: [out]` (PyTorch's layout).
public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) throws -> Variable {
    guard x.shape.count == 2, weight.shape.count == 2, x.shape[1] == weight.shape[1] else {
        throw EngineError("linear: input \(x.shape) does not fit weight \(weight.shape) ([out, in])")
    }
    let (n, inFeatures, outFeatures) = (x.shape[0], x.shape[1], weight.shape[0])
    if let bias, bias.shape != [outFeatures] {
        throw EngineError("linear: bias shape \(bias.shape) does not match \(outFeatures) outputs")
    }
    var y = Tensor(zeros: [n, outFeatures])
    x.value.withUnsafeBufferPointer { xp in
        weight.value.withUnsafeBufferPointer { wp in
            y.withUnsafeMutableBufferPointer { yp in
                BLAS.parallelSgemm(transposeB: true, m: n, n: outFeatures, k: inFeatures,
                           a: xp.baseAddress!, lda: inFeatures, b: wp.baseAddress!, ldb: inFeatures,
                           c: yp.baseAddress!, ldc: outFeatures)
                if let bias {
                    Convolution.addBias(bias.value, to: yp.baseAddress!, batch: n, channels: outFeatures, plane: 1)
                }
            }
        }
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, inputs: inputs) { dy, inputs in
        let (x, w) = (inputs[0], inputs[1])
        dy.withUnsafeBufferPointer { gy in
            if x.requiresGrad {
                var dx = Tensor(zeros: x.shape)
                w.value.withUnsafeBufferPointer { wp in
                    dx.withUnsafeMutableBufferPointer { gx in
                        BLAS.parallelSgemm(m: n, n: inFeatures, k: outFeatures, a: gy.baseAddress!, lda: outFeatures,
                                   b: wp.baseAddress!, ldb: inFeatures, c: gx.baseAddress!, ldc: inFeatures)
                    }
                }
                x.accumulate(dx)
            }
            if w.requiresGrad {
                var dw = Tensor(zeros: w.shape)
                x.value.withUnsafeBufferPointer { xp in
                    dw.withUnsafeMutableBufferPointer { gw in
                        BLAS.parallelSgemm(transposeA: true, m: outFeatures, n: inFeatures, k: n,
                                   a: gy.baseAddress!, lda: outFeatures, b: xp.baseAddress!, ldb: inFeatures,
                                   c: gw.baseAddress!, ldc: inFeatures)
                    }
                }
                w.accumulate(dw)
            }
        }
        if inputs.count > 2, inputs[2].requiresGrad {
            inputs[2].accumulate(Convolution.channelSums(dy, batch: n, channels: outFeatures, plane: 1))
        }
    }
}
