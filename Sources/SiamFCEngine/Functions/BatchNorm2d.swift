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
    let m = n * plane
    if training && m < 2 {
        throw EngineError("batchNorm2d: training needs more than one value per channel, got input \(x.shape)")
    }
    var mean = [Float](repeating: 0, count: c)
    var invStd = [Float](repeating: 0, count: c)
    x.value.withUnsafeBufferPointer { src in
        for ch in 0..<c {
            if training {
                var total: Double = 0
                for b in 0..<n {
                    let row = src.baseAddress! + (b * c + ch) * plane
                    for i in 0..<plane { total += Double(row[i]) }
                }
                let mu = total / Double(m)
                var squares: Double = 0
                for b in 0..<n {
                    let row = src.baseAddress! + (b * c + ch) * plane
                    for i in 0..<plane {
                        let d = Double(row[i]) - mu
                        squares += d * d
                    }
                }
                let variance = squares / Double(m)
                mean[ch] = Float(mu)
                invStd[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
                runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(mu)
                runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(squares / Double(m - 1))
            } else {
                mean[ch] = runningMean[ch]
                invStd[ch] = 1 / (runningVar[ch] + epsilon).squareRoot()
            }
        }
    }
    let normalized = x.value.withUnsafeBufferPointer { src in
        Tensor(uninitializedShape: x.shape) { dst in
            for b in 0..<n {
                for ch in 0..<c {
                    let offset = (b * c + ch) * plane
                    let (mu, s) = (mean[ch], invStd[ch])
                    for i in 0..<plane { dst[offset + i] = (src[offset + i] - mu) * s }
                }
            }
        }
    }
    let y = normalized.withUnsafeBufferPointer { xhat in
        gamma.value.withUnsafeBufferPointer { g in
            beta.value.withUnsafeBufferPointer { bt in
                Tensor(uninitializedShape: x.shape) { dst in
                    for b in 0..<n {
                        for ch in 0..<c {
                            let offset = (b * c + ch) * plane
                            for i in 0..<plane { dst[offset + i] = xhat[offset + i] * g[ch] + bt[ch] }
                        }
                    }
                }
            }
        }
    }
    return Variable(y, inputs: [x, gamma, beta]) { dy, inputs in
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXhat = [Double](repeating: 0, count: c)
        dy.withUnsafeBufferPointer { gy in
            normalized.withUnsafeBufferPointer { xhat in
                for b in 0..<n {
                    for ch in 0..<c {
                        let offset = (b * c + ch) * plane
                        var s: Float = 0, sx: Float = 0
                        for i in 0..<plane {
                            s += gy[offset + i]
                            sx += gy[offset + i] * xhat[offset + i]
                        }
                        sumDy[ch] += Double(s)
                        sumDyXhat[ch] += Double(sx)
                    }
                }
            }
        }
        if inputs[1].requiresGrad { inputs[1].accumulate(Tensor(vector: sumDyXhat.map(Float.init))) }
        if inputs[2].requiresGrad { inputs[2].accumulate(Tensor(vector: sumDy.map(Float.init))) }
        guard inputs[0].requiresGrad else { return }
        let g = inputs[1].value
        let dx = dy.withUnsafeBufferPointer { gy in
            normalized.withUnsafeBufferPointer { xhat in
                Tensor(uninitializedShape: dy.shape) { dst in
                    for ch in 0..<c {
                        let scale = g[ch] * invStd[ch]
                        // Training: the batch statistics depend on x as well.
                        let meanDy = training ? Float(sumDy[ch] / Double(m)) : 0
                        let meanDyXhat = training ? Float(sumDyXhat[ch] / Double(m)) : 0
                        for b in 0..<n {
                            let offset = (b * c + ch) * plane
                            for i in 0..<plane {
                                dst[offset + i] = scale * (gy[offset + i] - meanDy - xhat[offset + i] * meanDyXhat)
                            }
                        }
                    }
                }
            }
        }
        inputs[0].accumulate(dx)
    }
}
