#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cross-entropy of a two-class softmax, for score maps with background and target logits:
/// `logits` is `[N, 2, H, W]` (channel 0 background, 1 target), `targets` `[N, 1, H, W]` holds the
/// target probability of each cell (0 or 1, or soft targets in between), `weights` `[N, 1, H, W]`
/// each cell's weight (a balanced loss gives positives and negatives half the total each).
///
/// The softmax of two logits is the sigmoid of their difference, so each term is the binary
/// cross-entropy of `target − background`, computed in its numerically stable form. Returns the
/// weighted sum.
public func twoClassCrossEntropy(_ logits: Variable, targets: Tensor, weights: Tensor) throws -> Variable {
    let shape = logits.shape
    guard shape.count == 4, shape[1] == 2, targets.shape == [shape[0], 1, shape[2], shape[3]], weights.shape == targets.shape else {
        throw EngineError("twoClassCrossEntropy: logits \(shape) must be [N, 2, H, W] with targets and weights [N, 1, H, W], got \(targets.shape) and \(weights.shape)")
    }
    let plane = shape[2] * shape[3], batch = shape[0]
    var total: Double = 0
    logits.value.withUnsafeBufferPointer { x in
        targets.withUnsafeBufferPointer { t in
            weights.withUnsafeBufferPointer { w in
                for n in 0..<batch {
                    for i in 0..<plane {
                        let d = x[(2 * n + 1) * plane + i] - x[2 * n * plane + i]
                        let term = max(d, 0) - d * t[n * plane + i] + log1pf(expf(-abs(d)))
                        total += Double(w[n * plane + i] * term)
                    }
                }
            }
        }
    }
    return Variable(Tensor(Float(total)), inputs: [logits]) { dy, inputs in
        let scale = dy.item
        let g = inputs[0].value.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { t in
                weights.withUnsafeBufferPointer { w in
                    Tensor(uninitializedShape: shape) { out in
                        for n in 0..<batch {
                            for i in 0..<plane {
                                let d = x[(2 * n + 1) * plane + i] - x[2 * n * plane + i]
                                let v = scale * w[n * plane + i] * (stableSigmoid(d) - t[n * plane + i])
                                out[(2 * n + 1) * plane + i] = v
                                out[2 * n * plane + i] = -v
                            }
                        }
                    }
                }
            }
        }
        inputs[0].accumulate(g)
    }
}
