import SiamFCEngine

extension ONNXOperator {
    /// Runs the operator on its inputs (nil: an optional input left out); shapes that do not
    /// fit are an `EngineError`, never a crash.
    func run(_ inputs: [Tensor?]) throws(EngineError) -> Tensor {
        do {
            return try runUnchecked(inputs)
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError("\(error)")
        }
    }

    private func runUnchecked(_ inputs: [Tensor?]) throws -> Tensor {
        guard let x = inputs.first ?? nil else { throw EngineError("missing input") }
        switch self {
        case .convolution(let c):
            let input = try c.prePadding?.apply(x, value: 0) ?? x
            return try input.conv2d(weight: c.weight, bias: c.bias, stride: c.stride, padding: c.padding, groups: c.groups,
                                    activation: c.activation)
        case .dynamicConvolution(let c):
            guard inputs.count > 1, let weight = inputs[1] else { throw EngineError("conv: missing weight") }
            return try c.run(x, weight: weight, bias: inputs.count > 2 ? inputs[2] : nil)
        case .batchNormalization(let scale, let shift):
            guard x.rank >= 2, x.shape[1] == scale.count else {
                throw EngineError("batchNormalization: input \(x.shape) does not have \(scale.count) channels")
            }
            let channels = scale.count, plane = x.shape[2...].reduce(1, *)
            return x.withUnsafeBufferPointer { src in
                Tensor(uninitializedShape: x.shape) { dst in
                    for i in 0..<(x.count / max(plane * channels, 1)) {
                        for c in 0..<channels {
                            let base = (i * channels + c) * plane
                            for j in 0..<plane { dst[base + j] = src[base + j] * scale[c] + shift[c] }
                        }
                    }
                }
            }
        case .activation(let activation): return x.activated(activation)
        case .clip(let lower, let upper): return try x.clipped(min: lower, max: upper)
        case .hardSigmoid(let alpha, let beta): return x.hardSigmoid(alpha: alpha, beta: beta)
        case .sigmoid: return x.sigmoid()
        case .exp: return x.exp()
        case .globalAveragePool: return try x.globalAveragePool()
        case .gemm(let alpha, let beta, let transposeA, let transposeB):
            guard inputs.count > 1, let b = inputs[1] else { throw EngineError("gemm: missing B") }
            return try x.gemm(b, c: inputs.count > 2 ? inputs[2] : nil, alpha: alpha, beta: beta,
                              transposeA: transposeA, transposeB: transposeB)
        case .matmul:
            guard inputs.count > 1, let b = inputs[1] else { throw EngineError("matmul: missing B") }
            return try x.matmul(b)
        case .reshape(let target, let allowZero):
            return try Self.reshape(x, to: target, allowZero: allowZero)
        case .dynamicReshape(let allowZero):
            guard inputs.count > 1, let shape = inputs[1], shape.rank == 1 else { throw EngineError("reshape: the shape must be 1-D") }
            let target = try ONNXIntegers.exact(shape, what: "reshape: shape")
            guard target.allSatisfy({ $0 >= -1 }), target.filter({ $0 == -1 }).count <= 1 else {
                throw EngineError("reshape: shape \(target) must hold integers ≥ -1 with at most one -1")
            }
            return try Self.reshape(x, to: target, allowZero: allowZero)
        case .flatten(let axis):
            let a = axis < 0 ? axis + x.rank : axis
            guard a >= 0, a <= x.rank else { throw EngineError("flatten: axis \(axis) out of range for \(x.shape)") }
            return try x.reshaped([x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)])
        case .transpose(let permutation):
            return try x.transposed(permutation ?? Array((0..<x.rank).reversed()))
        case .binary(let operation):
            guard inputs.count > 1, let b = inputs[1] else { throw EngineError("\(operation.rawValue): missing B") }
            return try ONNXBroadcast.apply(operation, x, b)
        case .maxPool(let kernel, let stride, let padding):
            return try x.maxPool2d(kernel: kernel, stride: stride, padding: padding)
        case .paddedMaxPool(let kernel, let stride, let pads):
            return try pads.apply(x, value: -.infinity).maxPool2d(kernel: kernel, stride: stride, padding: 0)
        case .identity:
            return x
        case .concat, .slice, .shape, .gather, .unsqueeze, .squeeze, .softmax, .pad, .reduceMean, .cast:
            return try runTensorOperator(x, inputs)
        }
    }

    /// `x` under `target` (0 copies the input's dimension unless `allowZero`, one -1 inferred).
    static func reshape(_ x: Tensor, to target: [Int], allowZero: Bool) throws -> Tensor {
        var shape = target
        for (i, d) in target.enumerated() where d == 0 && !allowZero {
            guard i < x.rank else { throw EngineError("reshape: 0 at position \(i) of \(target) for input \(x.shape)") }
            shape[i] = x.shape[i]
        }
        var known = 1
        for d in shape where d != -1 {
            let (product, overflow) = known.multipliedReportingOverflow(by: d)
            guard !overflow, product <= x.count || x.count == 0 else {
                throw EngineError("reshape: input \(x.shape) cannot become \(target)")
            }
            known = product
        }
        return try x.reshaped(shape)
    }

    /// Floating-point operations of one run (multiply-adds × 2) of Conv, Gemm and MatMul; 0 for
    /// the others.
    func flops(_ inputs: [Tensor?], output: Tensor) -> Int {
        guard let x = inputs.first ?? nil else { return 0 }
        switch self {
        case .convolution(let c):
            var shape = x.shape
            if let pads = c.prePadding, shape.count == 4 { for d in 0..<2 { shape[2 + d] += pads.begin[d] + pads.end[d] } }
            return (try? ConvolutionGeometry(input: shape, weight: c.weight.shape, stride: c.stride, padding: c.padding,
                                             groups: c.groups))?.flops ?? 0
        case .dynamicConvolution:
            guard inputs.count > 1, let weight = inputs[1], weight.rank == 4 else { return 0 }
            return 2 * output.count * weight.shape[1...].reduce(1, *)
        case .gemm(_, _, let transposeA, _):
            guard x.rank == 2 else { return 0 }
            return 2 * output.count * (transposeA ? x.shape[0] : x.shape[1])
        case .matmul:
            guard let inner = x.shape.last else { return 0 }
            return 2 * output.count * inner
        default:
            return 0
        }
    }
}
