import Testing
@testable import SiamFCEngine

/// Finite-difference checks of the operators of light tracking networks (NanoTrack,
/// MobileNetV3): depthwise and pointwise convolution with fused activations, the activations,
/// softmax, pooling, channel scaling, Gemm, matmul, transpose and pixel-wise correlation, on
/// awkward shapes (batch 3, odd sizes).
@Suite struct LightNetworkGradientTests {
    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2)])
    func depthwiseConvolution(kernel: Int, stride: Int) throws {
        var g = SeededGenerator(seed: UInt64(40 + kernel * 3 + stride))
        let x = randomTensor([3, 4, 5, 7], &g), w = randomTensor([4, 1, kernel, kernel], &g), b = randomTensor([4], &g)
        try checkGradients([x, w, b]) { v in
            try conv2d(v[0], weight: v[1], bias: v[2], stride: stride, padding: kernel / 2, groups: 4)
        }
    }

    @Test func depthwiseConvolutionOnALargerOddMap() throws {
        var g = SeededGenerator(seed: 47)
        let x = randomTensor([3, 2, 9, 11], &g), w = randomTensor([2, 1, 3, 3], &g)
        try checkGradients([x, w]) { v in try conv2d(v[0], weight: v[1], stride: 2, padding: 1, groups: 2) }
    }

    /// Small weights keep the pre-activations inside HardSwish's smooth range (−3, 3); the
    /// bias puts those of ReLU6 inside (0, 6), so no finite difference crosses a kink.
    @Test func depthwiseWithFusedActivations() throws {
        var g = SeededGenerator(seed: 48)
        let x = randomTensor([3, 3, 5, 7], &g), w = randomTensor([3, 1, 3, 3], &g, range: -0.25...0.25)
        let b = randomTensor([3], &g, range: -0.3...0.3), shifted = randomTensor([3], &g, range: 2.8...3.2)
        try checkGradients([x, w, b]) { v in
            try conv2d(v[0], weight: v[1], bias: v[2], padding: 1, groups: 3, activation: .hardSwish)
        }
        try checkGradients([x, w, shifted]) { v in
            try conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1, groups: 3, activation: .relu6)
        }
    }

    /// With kinks anywhere, the fused gradient must equal the gradient of the separate
    /// convolution and activation exactly.
    @Test(arguments: FusedActivation.allCases)
    func fusedActivationGradientEqualsTheComposition(activation: FusedActivation) throws {
        var g = SeededGenerator(seed: 49)
        let x = randomTensor([3, 4, 5, 7], &g, range: -4...4), w = randomTensor([4, 1, 5, 5], &g)
        let b = randomTensor([4], &g), seed = randomTensor([3, 4, 3, 4], &g)
        func gradients(fused: Bool) throws -> [Tensor] {
            let v = [Variable(x, requiresGrad: true), Variable(w, requiresGrad: true), Variable(b, requiresGrad: true)]
            let y: Variable
            if fused {
                y = try conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 2, groups: 4, activation: activation)
            } else {
                let z = try conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 2, groups: 4)
                switch activation {
                case .none: y = z
                case .relu: y = relu(z)
                case .relu6: y = relu6(z)
                case .hardSwish: y = hardSwish(z)
                }
            }
            y.backward(seed: seed)
            return v.map { $0.grad ?? Tensor(zeros: $0.shape) }
        }
        let (fused, separate) = (try gradients(fused: true), try gradients(fused: false))
        for (a, b) in zip(fused, separate) { #expect(a.maxAbsDifference(b) == 0) }
    }

    @Test func pointwiseWithBiasAndActivation() throws {
        var g = SeededGenerator(seed: 50)
        let x = randomTensor([3, 5, 5, 7], &g), w = randomTensor([4, 5, 1, 1], &g, range: -0.4...0.4)
        let b = randomTensor([4], &g, range: -0.3...0.3)
        try checkGradients([x, w, b]) { v in try conv2d(v[0], weight: v[1], bias: v[2], activation: .hardSwish) }
        try checkGradients([x, w, b]) { v in try conv2d(v[0], weight: v[1], bias: v[2], activation: .none) }
    }

    @Test func clipAndReLU6() throws {
        var g = SeededGenerator(seed: 51)
        try checkGradients([separatedTensor([3, 2, 5, 7], &g, gap: 0.07)], epsilon: 5e-3) { v in relu6(v[0]) }
        try checkGradients([separatedTensor([3, 2, 5, 7], &g, gap: 0.01)], epsilon: 2e-3) { v in
            try clip(v[0], min: -0.4, max: 0.3)
        }
    }

    @Test func hardSwishAndHardSigmoid() throws {
        var g = SeededGenerator(seed: 52)
        let x = separatedTensor([3, 2, 5, 7], &g, gap: 0.05)  // −5.25 ... 5.25, kinks ±3 and ±2.5 avoided
        try checkGradients([x], epsilon: 5e-3) { v in hardSwish(v[0]) }
        try checkGradients([x], epsilon: 5e-3) { v in hardSigmoid(v[0]) }
        try checkGradients([x], epsilon: 5e-3) { v in hardSigmoid(v[0], alpha: 1.0 / 6, beta: 0.5) }
    }

    @Test func sigmoidAndExp() throws {
        var g = SeededGenerator(seed: 53)
        let x = randomTensor([3, 2, 5, 7], &g, range: -2...2)
        try checkGradients([x]) { v in sigmoid(v[0]) }
        try checkGradients([x], epsilon: 5e-3, tolerance: 3e-3) { v in exp(v[0]) }
    }

    @Test func softmaxOverChannelsAndOtherAxes() throws {
        var g = SeededGenerator(seed: 54)
        try checkGradients([randomTensor([3, 5, 4, 7], &g, range: -3...3)]) { v in try softmax(v[0]) }
        try checkGradients([randomTensor([3, 5], &g, range: -3...3)]) { v in try softmax(v[0], axis: -1) }
        try checkGradients([randomTensor([3, 5, 7], &g, range: -3...3)]) { v in try softmax(v[0], axis: 0) }
    }

    @Test func globalAveragePoolingAndChannelScaling() throws {
        var g = SeededGenerator(seed: 55)
        let x = randomTensor([3, 4, 5, 7], &g), s = randomTensor([3, 4, 1, 1], &g)
        try checkGradients([x]) { v in try globalAveragePool(v[0]) }
        try checkGradients([x, s]) { v in try scaleChannels(v[0], by: v[1]) }
        // A whole squeeze-and-excitation block: pool, two 1x1 convolutions, HardSigmoid, scale.
        let w1 = randomTensor([2, 4, 1, 1], &g), w2 = randomTensor([4, 2, 1, 1], &g)
        try checkGradients([x, w1, w2]) { v in
            let squeezed = try conv2d(try globalAveragePool(v[0]), weight: v[1], activation: .none)
            let excited = hardSigmoid(try conv2d(squeezed, weight: v[2]))
            return try scaleChannels(v[0], by: excited)
        }
    }

    @Test func residualAdd() throws {
        var g = SeededGenerator(seed: 56)
        let a = randomTensor([3, 4, 5, 7], &g), b = randomTensor([3, 4, 5, 7], &g)
        try checkGradients([a, b]) { v in try v[0] + hardSwish(v[1]) }
    }

    @Test(arguments: [[Int]?.none, [], [4], [1, 4], [3, 1], [3, 4]])
    func gemmWithEveryAddend(cShape: [Int]?) throws {
        var g = SeededGenerator(seed: 57)
        let a = randomTensor([5, 3], &g), b = randomTensor([4, 5], &g)  // op(A) = Aᵀ: 3x5, op(B) = Bᵀ: 5x4
        let c = cShape.map { randomTensor($0, &g) }
        try checkGradients([a, b] + (c.map { [$0] } ?? [])) { v in
            try gemm(v[0], v[1], c: v.count > 2 ? v[2] : nil, alpha: 0.7, beta: 1.3, transposeA: true, transposeB: true)
        }
        let plain = randomTensor([3, 5], &g), weight = randomTensor([5, 4], &g)
        try checkGradients([plain, weight]) { v in try gemm(v[0], v[1], alpha: 1.5) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedMatmul(transposeA: Bool, transposeB: Bool) throws {
        var g = SeededGenerator(seed: 58)
        let a = randomTensor(transposeA ? [3, 2, 5, 4] : [3, 2, 4, 5], &g)
        let b = randomTensor(transposeB ? [3, 2, 7, 5] : [3, 2, 5, 7], &g)
        try checkGradients([a, b]) { v in try matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB) }
        // One side shared by the whole batch.
        let shared = randomTensor(transposeA ? [5, 4] : [4, 5], &g)
        try checkGradients([shared, b]) { v in try matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB) }
        let sharedB = randomTensor(transposeB ? [7, 5] : [5, 7], &g)
        try checkGradients([a, sharedB]) { v in try matmul(v[0], v[1], transposeA: transposeA, transposeB: transposeB) }
        // A single product (split over the cores).
        try checkGradients([randomTensor([4, 5], &g), randomTensor([5, 7], &g)]) { v in try matmul(v[0], v[1]) }
    }

    @Test func transposition() throws {
        var g = SeededGenerator(seed: 59)
        try checkGradients([randomTensor([3, 4, 5, 7], &g)]) { v in try transpose(v[0], [0, 2, 3, 1]) }
        try checkGradients([randomTensor([5, 7], &g)]) { v in try transpose(v[0], [1, 0]) }
        try checkGradients([randomTensor([3, 5, 7], &g)]) { v in try transpose(v[0], [2, 0, 1]) }
    }

    @Test func pixelwiseCorrelationGradient() throws {
        var g = SeededGenerator(seed: 60)
        let template = randomTensor([3, 4, 3, 3], &g), search = randomTensor([3, 4, 5, 7], &g)
        try checkGradients([template, search]) { v in try pixelwiseCorrelation(template: v[0], search: v[1]) }
    }
}
