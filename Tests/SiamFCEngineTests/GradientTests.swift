import Testing
@testable import SiamFCEngine

/// Finite-difference checks of every operation's backward pass on awkward shapes: batch 3,
/// 5x7 maps, groups 2, stride 2.
@Suite struct GradientTests {
    @Test func convolutionGroupedStridedPadded() throws {
        var g = SeededGenerator(seed: 1)
        let x = randomTensor([3, 4, 5, 7], &g), w = randomTensor([6, 2, 3, 3], &g), b = randomTensor([6], &g)
        try checkGradients([x, w, b]) { v in
            try conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1, groups: 2)
        }
    }

    @Test func convolutionRectangularKernelNoPadding() throws {
        var g = SeededGenerator(seed: 2)
        let x = randomTensor([3, 3, 5, 7], &g), w = randomTensor([2, 3, 2, 3], &g)
        try checkGradients([x, w]) { v in try conv2d(v[0], weight: v[1]) }
    }

    @Test func convolutionStrideTwoWithoutPaddingAndPointwise() throws {
        var g = SeededGenerator(seed: 3)
        let x = randomTensor([3, 4, 7, 5], &g), w = randomTensor([4, 2, 3, 3], &g), w1 = randomTensor([3, 4, 1, 1], &g)
        try checkGradients([x, w]) { v in try conv2d(v[0], weight: v[1], stride: 2, groups: 2) }
        try checkGradients([x, w1]) { v in try conv2d(v[0], weight: v[1]) }
    }

    @Test func maxPooling() throws {
        var g = SeededGenerator(seed: 4)
        try checkGradients([separatedTensor([3, 2, 7, 9], &g)], epsilon: 5e-3) { v in
            try maxPool2d(v[0], kernel: 3, stride: 2)
        }
        try checkGradients([separatedTensor([3, 2, 5, 7], &g)], epsilon: 5e-3) { v in
            try maxPool2d(v[0], kernel: 2)
        }
    }

    @Test func averagePooling() throws {
        var g = SeededGenerator(seed: 5)
        let x = randomTensor([3, 2, 5, 7], &g)
        try checkGradients([x]) { v in try avgPool2d(v[0], kernel: 2) }
        try checkGradients([x]) { v in try avgPool2d(v[0], kernel: 3, stride: 1, padding: 1) }
    }

    @Test func reluAndSigmoid() throws {
        var g = SeededGenerator(seed: 6)
        try checkGradients([separatedTensor([3, 2, 5, 7], &g, gap: 0.03)], epsilon: 5e-3) { v in relu(v[0]) }
        try checkGradients([randomTensor([3, 5], &g, range: -3...3)]) { v in sigmoid(v[0]) }
    }

    @Test func linearLayer() throws {
        var g = SeededGenerator(seed: 7)
        let x = randomTensor([3, 5], &g), w = randomTensor([4, 5], &g), b = randomTensor([4], &g)
        try checkGradients([x, w, b]) { v in try linear(v[0], weight: v[1], bias: v[2]) }
    }

    @Test func flattenReshapeAndConcat() throws {
        var g = SeededGenerator(seed: 8)
        let a = randomTensor([3, 2, 5, 7], &g), b = randomTensor([3, 1, 5, 7], &g), w = randomTensor([2, 105], &g)
        try checkGradients([a, b, w]) { v in
            let joined = try concatChannels([v[0], v[1]])
            return try linear(try flatten(joined), weight: v[2])
        }
        try checkGradients([a]) { v in try reshape(v[0], [3, -1]) }
    }

    @Test func batchNormTraining() throws {
        var g = SeededGenerator(seed: 9)
        let x = randomTensor([3, 4, 5, 7], &g), gamma = randomTensor([4], &g, range: 0.5...1.5), beta = randomTensor([4], &g)
        try checkGradients([x, gamma, beta], tolerance: 3e-3) { v in
            var mean = Tensor(zeros: [4]), variance = Tensor(repeating: 1, shape: [4])
            return try batchNorm2d(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance,
                                   training: true, epsilon: 1e-5)
        }
    }

    @Test func batchNormEvaluation() throws {
        var g = SeededGenerator(seed: 10)
        let x = randomTensor([3, 4, 5, 7], &g), gamma = randomTensor([4], &g), beta = randomTensor([4], &g)
        let mean = randomTensor([4], &g), variance = randomTensor([4], &g, range: 0.5...2)
        try checkGradients([x, gamma, beta]) { v in
            var m = mean, s = variance
            return try batchNorm2d(v[0], gamma: v[1], beta: v[2], runningMean: &m, runningVar: &s, training: false)
        }
    }

    @Test func crossCorrelationOneExemplar() throws {
        var g = SeededGenerator(seed: 11)
        let x = randomTensor([3, 4, 5, 7], &g), z = randomTensor([1, 4, 3, 3], &g)
        try checkGradients([x, z]) { v in try crossCorrelation(search: v[0], exemplar: v[1], scale: 0.5) }
    }

    @Test func crossCorrelationPairs() throws {
        var g = SeededGenerator(seed: 12)
        let x = randomTensor([3, 4, 5, 7], &g), z = randomTensor([3, 4, 2, 3], &g)
        try checkGradients([x, z]) { v in try crossCorrelation(search: v[0], exemplar: v[1], scale: 0.5) }
        // Two pairs with one channel and an exemplar as wide as the search map.
        let x2 = randomTensor([2, 1, 4, 5], &g), z2 = randomTensor([2, 1, 3, 5], &g)
        try checkGradients([x2, z2]) { v in try crossCorrelation(search: v[0], exemplar: v[1]) }
    }

    /// Pair mode is one grouped convolution over all pairs; each pair gets exactly what a
    /// convolution of its search map with its own exemplar gives, forward and backward (the
    /// groups run the same kernel on the same data).
    @Test func crossCorrelationPairsEqualPerPairConvolutions() throws {
        var g = SeededGenerator(seed: 31)
        let x = randomTensor([4, 3, 9, 8], &g), z = randomTensor([4, 3, 4, 3], &g), r = randomTensor([4, 1, 6, 6], &g)
        let search = Variable(x, requiresGrad: true), exemplar = Variable(z, requiresGrad: true)
        let pairs = try crossCorrelation(search: search, exemplar: exemplar, scale: 0.25)
        pairs.backward(seed: r)
        #expect(pairs.shape == [4, 1, 6, 6])
        for i in 0..<4 {
            let xi = Variable(x.batchItem(i), requiresGrad: true), zi = Variable(z.batchItem(i), requiresGrad: true)
            let yi = try conv2d(xi, weight: zi) * 0.25
            yi.backward(seed: r.batchItem(i))
            #expect(pairs.value.batchItem(i) == yi.value, "pair \(i)")
            #expect(search.grad?.batchItem(i) == xi.grad, "pair \(i)")
            #expect(exemplar.grad?.batchItem(i) == zi.grad, "pair \(i)")
        }
        #expect(try Tensor.crossCorrelation(search: x, exemplar: z, scale: 0.25) == pairs.value)
    }

    @Test func elementwiseAndReductions() throws {
        var g = SeededGenerator(seed: 13)
        let a = randomTensor([3, 5], &g), b = randomTensor([3, 5], &g)
        try checkGradients([a, b]) { v in try (v[0] + v[1]) * v[0] }
        try checkGradients([a, b]) { v in try v[0] - v[1] * 2 }
        try checkGradients([a]) { v in sum(try v[0] * v[0]) }
        try checkGradients([a]) { v in mean(v[0]) }
    }

    @Test func contrastiveLossGradient() throws {
        var g = SeededGenerator(seed: 14)
        let a = randomTensor([6, 4], &g), b = randomTensor([6, 4], &g)
        let labels = Tensor(vector: [1, 0, 1, 0, 0, 1])
        // Margin 2 keeps some dissimilar pairs inside the margin (active hinge), some outside.
        try checkGradients([a, b]) { v in try contrastiveLoss(v[0], v[1], similar: labels, margin: 2) }
    }

    @Test func binaryCrossEntropyGradient() throws {
        var g = SeededGenerator(seed: 15)
        let x = randomTensor([3, 1, 5, 7], &g, range: -4...4)
        let t = Tensor(uninitializedShape: [3, 1, 5, 7]) { p in for i in 0..<p.count { p[i] = i % 4 == 0 ? 1 : 0 } }
        let w = randomTensor([3, 1, 5, 7], &g, range: 0...1)
        try checkGradients([x]) { v in try binaryCrossEntropyWithLogits(v[0], targets: t, weights: w, reduction: .sum) }
        try checkGradients([x]) { v in try binaryCrossEntropyWithLogits(v[0], targets: t) }
    }

    @Test func tripletLossGradient() throws {
        var g = SeededGenerator(seed: 16)
        let a = randomTensor([5, 3], &g), p = randomTensor([5, 3], &g), n = randomTensor([5, 3], &g)
        try checkGradients([a, p, n]) { v in try tripletMarginLoss(anchor: v[0], positive: v[1], negative: v[2], margin: 1) }
    }

    @Test func meanSquaredErrorGradient() throws {
        var g = SeededGenerator(seed: 17)
        let x = randomTensor([3, 2, 5, 7], &g), t = randomTensor([3, 2, 5, 7], &g)
        try checkGradients([x]) { v in try meanSquaredError(v[0], target: t) }
    }

    @Test func sharedWeightsAccumulateBothBranches() throws {
        var g = SeededGenerator(seed: 18)
        let x1 = randomTensor([3, 2, 5, 7], &g), x2 = randomTensor([3, 2, 5, 7], &g), w = randomTensor([3, 2, 3, 3], &g)
        try checkGradients([x1, x2, w]) { v in
            let a = try conv2d(v[0], weight: v[2]), b = try conv2d(v[1], weight: v[2])
            return try crossCorrelation(search: a, exemplar: try reshape(b, [3, 3, 3, 5]).batchSlice(0))
        }
    }
}

extension Variable {
    /// Item 0 of the batch, differentiably (test helper).
    func batchSlice(_ i: Int) throws -> Variable {
        let item = value.batchItem(i)
        let full = shape
        return Variable(item, inputs: [self]) { dy, inputs in
            var d = Tensor(zeros: full)
            d.setBatchItem(i, dy)
            inputs[0].accumulate(d)
        }
    }
}

@Suite struct ResizeGradientTests {
    @Test(arguments: [Interpolation.bilinear, .bicubic])
    func resizeUpAndDown(_ interpolation: Interpolation) throws {
        var g = SeededGenerator(seed: 19)
        let x = randomTensor([3, 2, 5, 7], &g)
        try checkGradients([x]) { v in try resize(v[0], height: 9, width: 12, interpolation: interpolation) }
        try checkGradients([x]) { v in try resize(v[0], height: 3, width: 4, interpolation: interpolation) }
    }
}

@Suite struct DistanceGradientTests {
    @Test(arguments: Distance.allCases)
    func distances(_ metric: Distance) throws {
        var g = SeededGenerator(seed: 51)
        let a = randomTensor([5, 4], &g), b = randomTensor([5, 4], &g)
        // Manhattan has kinks where coordinates coincide; random values keep away from them.
        try checkGradients([a, b], epsilon: 1e-3, tolerance: 5e-3) { v in try pairwiseDistance(v[0], v[1], metric) }
    }

    @Test func distanceBasedLosses() throws {
        var g = SeededGenerator(seed: 52)
        let d = randomTensor([6], &g, range: 0.1...2), e = randomTensor([6], &g, range: 0.1...2)
        let labels = Tensor(vector: [1, 0, 1, 0, 0, 1])
        try checkGradients([d]) { v in try contrastiveLoss(distances: v[0], similar: labels, margin: 1.5) }
        try checkGradients([d, e], epsilon: 1e-3) { v in
            try tripletMarginLoss(positiveDistances: v[0], negativeDistances: v[1], margin: 0.5)
        }
    }

    @Test func distanceValues() throws {
        let a = try Tensor(shape: [2, 2], values: [3, 4, 1, 0]), b = try Tensor(shape: [2, 2], values: [0, 0, 0, 2])
        #expect(try pairwiseDistance(Variable(a), Variable(b), .euclidean).value.scalars == [5, Float(5).squareRoot()])
        #expect(try pairwiseDistance(Variable(a), Variable(b), .manhattan).value.scalars == [7, 3])
        let cosine = try pairwiseDistance(Variable(a), Variable(b), .cosine).value.scalars
        #expect(cosine[0] == 1 && abs(cosine[1] - 1) < 1e-6)  // zero vector, then orthogonal
        let c = try Tensor(shape: [1, 2], values: [1, 1]), d = try Tensor(shape: [1, 2], values: [2, 2])
        #expect(abs(try pairwiseDistance(Variable(c), Variable(d), .cosine).value.item) < 1e-6)
        // The embedding form and the distance form of the contrastive loss agree.
        let y = Tensor(vector: [1, 0])
        let direct = try contrastiveLoss(Variable(a), Variable(b), similar: y, margin: 3)
        let viaDistance = try contrastiveLoss(distances: try pairwiseDistance(Variable(a), Variable(b)), similar: y, margin: 3)
        #expect(abs(direct.value.item - viaDistance.value.item) < 1e-6)
    }
}
