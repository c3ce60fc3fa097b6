/// Which overlap a ``boxIoULoss(_:targets:weights:kind:)`` penalises.
public enum BoxOverlapLoss: Sendable {
    /// `1 − IoU`.
    case iou
    /// `1 − GIoU`: IoU minus the share of the enclosing box that neither box covers, which still
    /// has a gradient when the boxes do not overlap.
    case generalizedIoU
}

/// The box loss of anchor-free trackers and detectors: at each cell, `distances` `[N, 4, H, W]`
/// are the predicted distances from the cell to the box's left, top, right and bottom sides,
/// `targets` the true ones; cells are weighted by `weights` `[N, 1, H, W]` (usually `1/#positives`
/// on positive cells and 0 elsewhere; cells of weight 0 are skipped). Returns the weighted sum of
/// `1 − IoU` or `1 − GIoU`. Distances should be positive (a head ends in `exp` or ReLU); a
/// prediction of zero area gets IoU 0.
public func boxIoULoss(_ distances: Variable, targets: Tensor, weights: Tensor, kind: BoxOverlapLoss = .generalizedIoU) throws -> Variable {
    let shape = distances.shape
    guard shape.count == 4, shape[1] == 4, targets.shape == shape, weights.shape == [shape[0], 1, shape[2], shape[3]] else {
        throw EngineError("boxIoULoss: distances \(shape) and targets \(targets.shape) must be [N, 4, H, W] with weights [N, 1, H, W], got \(weights.shape)")
    }
    let plane = shape[2] * shape[3], batch = shape[0]
    // Per cell: the loss and its derivatives with respect to the four predicted distances.
    func cell(_ p: (Float, Float, Float, Float), _ t: (Float, Float, Float, Float)) -> (loss: Float, grad: (Float, Float, Float, Float)) {
        let (l, tp, r, b) = p
        let (gl, gt, gr, gb) = t
        let predictedArea = (l + r) * (tp + b), targetArea = (gl + gr) * (gt + gb)
        let iw = min(l, gl) + min(r, gr), ih = min(tp, gt) + min(b, gb)
        let inter = max(iw, 0) * max(ih, 0)
        let union = predictedArea + targetArea - inter
        guard union > 0 else { return (1, (0, 0, 0, 0)) }
        let iou = inter / union
        // d(inter)/d(side): the other extent if this prediction is the smaller side of the overlap.
        let dInter = (l < gl && iw > 0 && ih > 0 ? ih : 0, tp < gt && iw > 0 && ih > 0 ? iw : 0,
                      r < gr && iw > 0 && ih > 0 ? ih : 0, b < gb && iw > 0 && ih > 0 ? iw : 0)
        let dArea = (tp + b, l + r, tp + b, l + r)
        // IoU = I/U with U = A + T − I: dIoU = (dI·U − I·(dA − dI)) / U².
        func dIoU(_ di: Float, _ da: Float) -> Float { (di * union - inter * (da - di)) / (union * union) }
        var loss = 1 - iou
        var grad = (-dIoU(dInter.0, dArea.0), -dIoU(dInter.1, dArea.1), -dIoU(dInter.2, dArea.2), -dIoU(dInter.3, dArea.3))
        if case .generalizedIoU = kind {
            // Enclosing box C = (max l + max r)·(max t + max b); GIoU = IoU − (C − U)/C, so the
            // loss gains 1 − U/C.
            let cw = max(l, gl) + max(r, gr), ch = max(tp, gt) + max(b, gb)
            let enclosing = cw * ch
            if enclosing > 0 {
                loss += 1 - union / enclosing
                let dC = (l >= gl ? ch : 0, tp >= gt ? cw : 0, r >= gr ? ch : 0, b >= gb ? cw : 0)
                // d(−U/C) = −(dU·C − U·dC)/C² with dU = dA − dI.
                func dTerm(_ da: Float, _ di: Float, _ dc: Float) -> Float { -((da - di) * enclosing - union * dc) / (enclosing * enclosing) }
                grad.0 += dTerm(dArea.0, dInter.0, dC.0)
                grad.1 += dTerm(dArea.1, dInter.1, dC.1)
                grad.2 += dTerm(dArea.2, dInter.2, dC.2)
                grad.3 += dTerm(dArea.3, dInter.3, dC.3)
            }
        }
        return (loss, grad)
    }
    var total: Double = 0
    var gradient = [Float](repeating: 0, count: distances.value.count)
    distances.value.withUnsafeBufferPointer { p in
        targets.withUnsafeBufferPointer { t in
            weights.withUnsafeBufferPointer { w in
                for n in 0..<batch {
                    for i in 0..<plane {
                        let weight = w[n * plane + i]
                        guard weight != 0 else { continue }
                        let base = 4 * n * plane + i
                        let (loss, grad) = cell((p[base], p[base + plane], p[base + 2 * plane], p[base + 3 * plane]),
                                                (t[base], t[base + plane], t[base + 2 * plane], t[base + 3 * plane]))
                        total += Double(weight * loss)
                        gradient[base] = weight * grad.0
                        gradient[base + plane] = weight * grad.1
                        gradient[base + 2 * plane] = weight * grad.2
                        gradient[base + 3 * plane] = weight * grad.3
                    }
                }
            }
        }
    }
    return Variable(Tensor(Float(total)), inputs: [distances]) { dy, inputs in
        let scale = dy.item
        inputs[0].accumulate(Tensor(uninitializedShape: shape) { out in
            for k in 0..<out.count { out[k] = scale * gradient[k] }
        })
    }
}
