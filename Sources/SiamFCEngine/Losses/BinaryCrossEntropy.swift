#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a loss combines its per-element terms.
public enum Reduction: Sendable {
    case sum
    case mean
}

/// Binary cross-entropy on logits, `w · [max(x, 0) − x·t + log(1 + exp(−|x|))]` per element
/// (the numerically stable form), with optional per-element weights: SiamFC's balanced logistic
/// loss passes weights `0.5/#positives` and `0.5/#negatives` with `.sum`.
public func binaryCrossEntropyWithLogits(
    _ logits: Variable, targets: Tensor, weights: Tensor? = nil, reduction: Reduction = .mean
) throws -> Variable {
    guard logits.shape == targets.shape, weights.map({ $0.shape == targets.shape }) ?? true else {
        throw EngineError("binaryCrossEntropyWithLogits: logits \(logits.shape), targets \(targets.shape) and weights \(weights?.shape ?? []) differ")
    }
    let count = logits.value.count
    let divisor: Float = reduction == .mean ? Float(max(count, 1)) : 1
    var total: Double = 0
    logits.value.withUnsafeBufferPointer { x in
        targets.withUnsafeBufferPointer { t in
            for i in 0..<count {
                let v = x[i]
                let term = max(v, 0) - v * t[i] + log1pf(expf(-abs(v)))
                total += Double((weights?.storage.pointer[i] ?? 1) * term)
            }
        }
    }
    let loss = Float(total) / divisor
    return Variable(Tensor(loss), inputs: [logits]) { dy, inputs in
        let scale = dy.item / divisor
        let g = inputs[0].value.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { t in
                Tensor(uninitializedShape: targets.shape) { out in
                    for i in 0..<count {
                        let w = weights?.storage.pointer[i] ?? 1
                        out[i] = scale * w * (stableSigmoid(x[i]) - t[i])
                    }
                }
            }
        }
        inputs[0].accumulate(g)
    }
}
