/// Batch normalisation over the channels of NCHW tensors.
///
/// In training mode it normalises with the batch's statistics and updates the running averages
/// as PyTorch does (`running = (1 - momentum) * running + momentum * batch`, unbiased variance);
/// in evaluation mode it uses the running statistics.
public func batchNorm2d(
    _ x: Variable, gamma: Variable, beta: Variable,
    runningMean: inout Tensor, runningVar: inout Tensor,
    training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
) throws -> Variable {
    guard x.shape.count == 4 else { throw EngineError("batchNorm2d: input must be NCHW, got \(x.shape)") }
    let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    for (name, t) in [("gamma", gamma.value), ("beta", beta.value), ("running mean", runningMean), ("running var", runningVar)]
    where t.shape != [c] {
        throw EngineError("batchNorm2d: \(name) shape \(t.shape) does not match \(c) channels")
    }
    if training && n * plane < 2 {
        throw EngineError("batchNorm2d: training needs more than one value per channel, got input \(x.shape)")
    }
    let statistics = training
        ? BatchNormalization.batchStatistics(x.value, runningMean: &runningMean, runningVar: &runningVar,
                                             momentum: momentum, epsilon: epsilon)
        : BatchNormalization.runningStatistics(runningMean: runningMean, runningVar: runningVar, epsilon: epsilon)
    let normalized = BatchNormalization.normalize(x.value, statistics)
    let y = BatchNormalization.scaleAndShift(normalized, gamma: gamma.value, beta: beta.value)
    return Variable(y, inputs: [x, gamma, beta]) { dy, inputs in
        let sums = BatchNormalization.gradientSums(dy, normalized: normalized)
        if inputs[1].requiresGrad { inputs[1].accumulate(Tensor(vector: sums.dyNormalized.map(Float.init))) }
        if inputs[2].requiresGrad { inputs[2].accumulate(Tensor(vector: sums.dy.map(Float.init))) }
        guard inputs[0].requiresGrad else { return }
        inputs[0].accumulate(BatchNormalization.inputGradient(
            dy, normalized: normalized, gamma: inputs[1].value, invStd: statistics.invStd, sums: sums, training: training))
    }
}
