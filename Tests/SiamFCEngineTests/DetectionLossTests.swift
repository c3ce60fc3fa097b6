import Testing
@testable import SiamFCEngine

/// The losses of anchor-free box heads: two-class cross-entropy on score maps and the IoU and
/// GIoU losses on side distances.
struct DetectionLossTests {
    @Test func twoClassCrossEntropyIsBinaryCrossEntropyOfTheDifference() throws {
        var g = SeededGenerator(seed: 31)
        let logits = randomTensor([2, 2, 3, 4], &g, range: -3...3)
        let targets = Tensor(uninitializedShape: [2, 1, 3, 4]) { p in for i in 0..<p.count { p[i] = i % 3 == 0 ? 1 : 0 } }
        let weights = randomTensor([2, 1, 3, 4], &g, range: 0...1)
        let loss = try twoClassCrossEntropy(Variable(logits), targets: targets, weights: weights).value.item
        var difference = [Float]()
        for n in 0..<2 { for i in 0..<12 { difference.append(logits.scalars[(2 * n + 1) * 12 + i] - logits.scalars[2 * n * 12 + i]) } }
        let reference = try binaryCrossEntropyWithLogits(Variable(try Tensor(shape: [2, 1, 3, 4], values: difference)), targets: targets,
                                                         weights: weights, reduction: .sum).value.item
        #expect(abs(loss - reference) <= 1e-5 * max(1, abs(reference)))
    }

    @Test func twoClassCrossEntropyGradient() throws {
        var g = SeededGenerator(seed: 32)
        let logits = randomTensor([3, 2, 2, 5], &g, range: -4...4)
        let targets = randomTensor([3, 1, 2, 5], &g, range: 0...1)
        let weights = randomTensor([3, 1, 2, 5], &g, range: 0...1)
        try checkGradients([logits]) { v in try twoClassCrossEntropy(v[0], targets: targets, weights: weights) }
    }

    @Test func iouLossValues() throws {
        // Target 10 on every side; prediction 5 on every side: a quarter of the area, IoU 0.25.
        let target = Tensor(uninitializedShape: [1, 4, 1, 1]) { p in for i in 0..<4 { p[i] = 10 } }
        let half = Tensor(uninitializedShape: [1, 4, 1, 1]) { p in for i in 0..<4 { p[i] = 5 } }
        let one = Tensor(uninitializedShape: [1, 1, 1, 1]) { p in p[0] = 1 }
        #expect(try boxIoULoss(Variable(target), targets: target, weights: one, kind: .iou).value.item == 0)
        #expect(abs(try boxIoULoss(Variable(half), targets: target, weights: one, kind: .iou).value.item - 0.75) < 1e-6)
        // The prediction lies inside the target: the enclosing box is the target, GIoU = IoU.
        #expect(abs(try boxIoULoss(Variable(half), targets: target, weights: one, kind: .generalizedIoU).value.item - 0.75) < 1e-6)
        // A prediction shifted right: left 2, right 18 against 10/10 (heights equal): IoU 12/28,
        // enclosing width 28 = union, so GIoU = IoU.
        let shifted = try Tensor(shape: [1, 4, 1, 1], values: [2, 10, 18, 10])
        #expect(abs(try boxIoULoss(Variable(shifted), targets: target, weights: one, kind: .iou).value.item - (1 - 12.0 / 28)) < 1e-6)
        // Cells of weight 0 do not count.
        let zero = Tensor(zeros: [1, 1, 1, 1])
        #expect(try boxIoULoss(Variable(half), targets: target, weights: zero).value.item == 0)
    }

    @Test(arguments: [BoxOverlapLoss.iou, .generalizedIoU])
    func iouLossGradient(_ kind: BoxOverlapLoss) throws {
        var g = SeededGenerator(seed: 33)
        let predicted = randomTensor([2, 4, 3, 3], &g, range: 2...30)
        let targets = randomTensor([2, 4, 3, 3], &g, range: 2...30)
        let weights = Tensor(uninitializedShape: [2, 1, 3, 3]) { p in for i in 0..<p.count { p[i] = i % 4 == 1 ? 0 : Float(i + 1) / 18 } }
        try checkGradients([predicted], epsilon: 1e-2, tolerance: 3e-3) { v in
            try boxIoULoss(v[0], targets: targets, weights: weights, kind: kind)
        }
    }
}
