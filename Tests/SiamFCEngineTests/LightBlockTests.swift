import Testing
@testable import SiamFCEngine

/// The blocks of light networks as modules: ConvBNActivation, SqueezeExcitation and
/// InvertedResidual. Gradients of inputs and of every parameter against central finite
/// differences on awkward shapes; the folded inference form against the module in evaluation.
@Suite struct LightBlockTests {
    /// Checks every parameter's gradient of `L = Σ module(x) · R` against finite differences,
    /// relative to the largest gradient of that parameter.
    func checkParameterGradients(_ module: Module, input: Tensor, epsilon: Float = 1e-2, tolerance: Float = 5e-3,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        var g = SeededGenerator(seed: 7)
        let output = try module(Variable(input))
        let projection = randomTensor(output.shape, &g)
        for (_, p) in module.namedParameters() { p.grad = nil }
        output.backward(seed: projection)
        func loss() throws -> Double {
            let y = try module(Variable(input)).value
            var total: Double = 0
            for i in 0..<y.count { total += Double(y.scalars[i]) * Double(projection.scalars[i]) }
            return total
        }
        for (name, p) in module.namedParameters() {
            let analytic = p.grad ?? Tensor(zeros: p.shape)
            var numeric = [Float](repeating: 0, count: p.value.count)
            for k in 0..<p.value.count {
                let original = p.value.scalars[k]
                p.value.withUnsafeMutableBufferPointer { $0[k] = original + epsilon }
                let plus = try loss()
                p.value.withUnsafeMutableBufferPointer { $0[k] = original - epsilon }
                let minus = try loss()
                p.value.withUnsafeMutableBufferPointer { $0[k] = original }
                numeric[k] = Float((plus - minus) / Double(2 * epsilon))
            }
            let scale = max(1, numeric.map(abs).max() ?? 0)
            let worst = (0..<numeric.count).map { abs(analytic.scalars[$0] - numeric[$0]) / scale }.max() ?? 0
            #expect(worst <= tolerance, "parameter \(name) \(p.shape): worst relative error \(worst)", sourceLocation: sourceLocation)
        }
    }

    /// Running statistics away from 0 and 1, so that folding has something to fold.
    func randomizeStatistics(_ module: Module, _ g: inout SeededGenerator) {
        for bn in module.modules(of: BatchNorm2d.self) {
            let c = bn.gamma.shape[0]
            bn.runningMean.value = randomTensor([c], &g, range: -0.5...0.5)
            bn.runningVar.value = randomTensor([c], &g, range: 0.5...2)
            bn.gamma.value = randomTensor([c], &g, range: 0.5...1.5)
            bn.beta.value = randomTensor([c], &g, range: -0.3...0.3)
        }
    }

    @Test(arguments: [FusedActivation.none, .relu6, .hardSwish])
    func convBNActivationGradients(activation: FusedActivation) throws {
        var g = SeededGenerator(seed: 11)
        let block = ConvBNActivation(4, 4, kernel: 3, stride: 2, groups: 4, activation: activation, using: &g)
        // Batch norm's outputs are about N(0, 1): shifted to N(3, 1) for ReLU6, they stay clear of
        // its kinks at 0 and 6, so no finite difference crosses one.
        if activation == .relu6 { block.bn.beta.value = Tensor(repeating: 3, shape: [4]) }
        let x = randomTensor([3, 4, 5, 7], &g)
        try checkGradients([x]) { v in try block(v[0]) }
        try checkParameterGradients(block, input: x)
    }

    @Test(arguments: [SqueezeExcitation.Gate.hardSigmoid, .sigmoid])
    func squeezeExcitationGradients(gate: SqueezeExcitation.Gate) throws {
        var g = SeededGenerator(seed: 12)
        let block = SqueezeExcitation(channels: 6, squeezed: 3, gate: gate, using: &g)
        let x = randomTensor([3, 6, 5, 3], &g, range: -2...2)
        try checkGradients([x]) { v in try block(v[0]) }
        try checkParameterGradients(block, input: x)
    }

    /// Expansion, depthwise 5x5 stride 2, SE and projection; then a residual block (stride 1,
    /// same width) without expansion. HardSwish, smooth where batch norm's outputs lie (ReLU's
    /// kink at 0 sits in the middle of them).
    @Test func invertedResidualGradients() throws {
        var g = SeededGenerator(seed: 13)
        let strided = InvertedResidual(3, expanded: 8, 4, kernel: 5, stride: 2, activation: .hardSwish, squeezed: 4, using: &g)
        let x = randomTensor([3, 3, 7, 5], &g)
        try checkGradients([x]) { v in try strided(v[0]) }
        try checkParameterGradients(strided, input: x)
        let residual = InvertedResidual(4, expanded: 4, 4, kernel: 3, stride: 1, activation: .hardSwish, squeezed: nil, using: &g)
        #expect(residual.residual && residual.expand == nil)
        let y = randomTensor([2, 4, 5, 6], &g)
        try checkGradients([y]) { v in try residual(v[0]) }
        try checkParameterGradients(residual, input: y)
    }

    @Test func stateDictNames() throws {
        var g = SeededGenerator(seed: 14)
        let block = InvertedResidual(8, expanded: 16, 8, kernel: 3, stride: 1, activation: .relu, squeezed: 8, using: &g)
        let names = Set(block.stateDict().keys)
        #expect(names.isSuperset(of: ["expand.conv.weight", "expand.bn.running_var", "depthwise.conv.weight", "se.fc1.weight",
                                      "se.fc2.bias", "project.bn.weight"]))
        #expect(!names.contains("depthwise.conv.bias"))
    }

    /// The folded block (batch norm folded, activations fused) computes what the module computes
    /// in evaluation mode.
    @Test func foldedBlocksMatchTheModules() throws {
        var g = SeededGenerator(seed: 15)
        for (stride, squeezed, expanded) in [(2, 4, 12), (1, nil, 6), (1, 8, 10)] as [(Int, Int?, Int)] {
            let block = InvertedResidual(6, expanded: expanded, 6, kernel: 3, stride: stride, activation: .hardSwish,
                                         squeezed: squeezed, using: &g)
            randomizeStatistics(block, &g)
            block.setTraining(false)
            let x = randomTensor([2, 6, 9, 7], &g, range: -3...3)
            let expected = try block(Variable(x)).value
            let folded = try block.folded()(x)
            #expect(folded.shape == expected.shape)
            let scale = max(1, expected.scalars.map(abs).max() ?? 0)
            #expect(folded.maxAbsDifference(expected) / scale < 1e-5, "stride \(stride) se \(String(describing: squeezed))")
        }
    }

    /// The C backward (vector and portable) against the direct loops, on odd sizes, every
    /// kernel, stride and padding the networks use and some they do not.
    @Test func depthwiseBackwardKernelsMatchTheLoops() throws {
        var g = SeededGenerator(seed: 16)
        for (k, s, p, h, w) in [(3, 1, 1, 7, 9), (3, 2, 1, 8, 11), (5, 1, 2, 6, 5), (5, 2, 2, 13, 10), (3, 2, 0, 9, 9),
                                (3, 1, 0, 4, 21), (7, 2, 3, 10, 12), (5, 2, 1, 5, 5), (9, 1, 8, 6, 7), (9, 2, 4, 11, 10)] {
            let geometry = try ConvolutionGeometry(input: [3, 4, h, w], weight: [4, 1, k, k], stride: s, padding: p, groups: 4)
            let x = randomTensor([3, 4, h, w], &g), weight = randomTensor([4, 1, k, k], &g)
            let dy = randomTensor([3, 4, geometry.outHeight, geometry.outWidth], &g)
            let reference = DepthwiseConvolution.referenceBackward(geometry, input: x, weight: weight, dy: dy, needInput: true,
                                                                   needWeight: true, needBias: true)
            for portable in [false, true] {
                let ours = DepthwiseConvolution.backward(geometry, input: x, weight: weight, dy: dy, needInput: true,
                                                         needWeight: true, needBias: true, portable: portable)
                let label = "k\(k) s\(s) p\(p) \(h)x\(w) portable \(portable)"
                #expect(try #require(ours.input).maxAbsDifference(try #require(reference.input)) < 1e-4, "\(label) input")
                #expect(try #require(ours.weight).maxAbsDifference(try #require(reference.weight)) < 1e-4, "\(label) weight")
                #expect(try #require(ours.bias).maxAbsDifference(try #require(reference.bias)) < 1e-5, "\(label) bias")
            }
            let weightOnly = DepthwiseConvolution.backward(geometry, input: x, weight: weight, dy: dy, needInput: false,
                                                           needWeight: true, needBias: false)
            #expect(weightOnly.input == nil && weightOnly.bias == nil && weightOnly.weight != nil)
        }
    }
}
