import SiamFCEngine

extension ONNXOperator {
    /// What the engine's planned kernels need to know of the operator; operators without a
    /// planned kernel are `.other` and run through ``run(_:)``.
    var inference: InferenceOperation {
        switch self {
        case .convolution(let c):
            return .convolution(weight: c.weight, bias: c.bias, stride: c.stride, padding: c.padding, groups: c.groups,
                                activation: c.activation)
        case .activation(let activation): return .elementwise(.activation(activation))
        case .clip(let lower, let upper): return .elementwise(.clip(min: lower, max: upper))
        case .hardSigmoid(let alpha, let beta): return .elementwise(.hardSigmoid(alpha: alpha, beta: beta))
        case .sigmoid: return .elementwise(.sigmoid)
        case .exp: return .elementwise(.exp)
        case .globalAveragePool: return .globalAveragePool
        case .gemm(let alpha, let beta, let transposeA, let transposeB):
            return .gemm(alpha: alpha, beta: beta, transposeA: transposeA, transposeB: transposeB)
        case .matmul: return .matmul
        case .reshape, .flatten, .identity: return .view
        case .binary(.add): return .add
        case .binary(.mul): return .multiply
        default: return .other
        }
    }
}

extension ONNXInferencePlan {
    /// The plan as an engine ``InferenceProgram``: every step keeps ``ONNXOperator/run(_:)`` as
    /// its fallback.
    func program() -> InferenceProgram {
        let steps = steps.map { step in
            let op = step.op
            return InferenceStep(label: step.label, operation: op.inference, inputs: step.inputs, output: step.output,
                                 fallback: { inputs throws(EngineError) in try op.run(inputs) })
        }
        return InferenceProgram(steps: steps, slotCount: slotCount, constants: constants, inputs: inputs.map(\.slot),
                                outputs: outputs.map(\.slot))
    }
}
