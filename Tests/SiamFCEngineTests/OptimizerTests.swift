import Testing
@testable import SiamFCEngine

@Suite struct OptimizerTests {
    /// f(p) = p²/2 has gradient p.
    func quadraticGradient(_ p: Variable) {
        p.zeroGrad()
        p.accumulate(p.value)
    }

    @Test func sgdWithMomentumFollowsTheRecurrence() {
        let p = Variable(Tensor(vector: [1]), requiresGrad: true)
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        quadraticGradient(p); sgd.step()
        #expect(abs(p.value[0] - 0.9) < 1e-6)           // v = 1
        quadraticGradient(p); sgd.step()
        #expect(abs(p.value[0] - 0.72) < 1e-6)          // v = 0.9·1 + 0.9
        quadraticGradient(p); sgd.step()
        #expect(abs(p.value[0] - (0.72 - 0.1 * (0.9 * 1.8 + 0.72))) < 1e-6)
    }

    @Test func sgdWeightDecayAddsToTheGradient() {
        let p = Variable(Tensor(vector: [2]), requiresGrad: true)
        let sgd = SGD(parameters: [p], learningRate: 0.5, weightDecay: 0.1)
        p.accumulate(Tensor(vector: [1]))
        sgd.step()
        #expect(abs(p.value[0] - (2 - 0.5 * (1 + 0.2))) < 1e-6)
    }

    @Test func adamFirstStepMovesByTheLearningRate() {
        let p = Variable(Tensor(vector: [1, -3]), requiresGrad: true)
        let adam = Adam(parameters: [p], learningRate: 0.01)
        p.accumulate(Tensor(vector: [0.5, -20]))
        adam.step()
        #expect(abs(p.value[0] - 0.99) < 1e-5)
        #expect(abs(p.value[1] - -2.99) < 1e-5)
        #expect(adam.stepCount == 1)
    }

    @Test func optimizersMinimiseAQuadratic() {
        for makeOptimizer in [
            { (p: Variable) -> () -> Void in let o = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9); return o.step },
            { (p: Variable) -> () -> Void in let o = Adam(parameters: [p], learningRate: 0.1); return o.step },
        ] {
            let p = Variable(Tensor(vector: [3, -2, 1]), requiresGrad: true)
            let step = makeOptimizer(p)
            for _ in 0..<300 { quadraticGradient(p); step() }
            #expect(p.value.scalars.allSatisfy { abs($0) < 1e-2 }, "\(p.value.scalars)")
        }
    }

    @Test func schedules() {
        let exponential = ExponentialDecay(initial: 1e-2, final: 1e-5, steps: 50)
        #expect(abs(exponential.learningRate(at: 0) - 1e-2) < 1e-9)
        #expect(abs(exponential.learningRate(at: 50) - 1e-5) / 1e-5 < 1e-4)
        #expect(abs(exponential.learningRate(at: 25) - 1e-2 * (1e-3 as Float).squareRoot()) / 3.16e-4 < 1e-3)
        #expect(exponential.learningRate(at: 80) == exponential.learningRate(at: 50))
        #expect(abs(exponential.gamma - 0.8709636) < 1e-5)
        let stepped = StepDecay(initial: 1, stepSize: 10, gamma: 0.5)
        #expect(stepped.learningRate(at: 9) == 1 && stepped.learningRate(at: 10) == 0.5 && stepped.learningRate(at: 25) == 0.25)
        let cosine = CosineDecay(initial: 1, minimum: 0.1, steps: 100)
        #expect(cosine.learningRate(at: 0) == 1)
        #expect(abs(cosine.learningRate(at: 50) - 0.55) < 1e-6)
        #expect(abs(cosine.learningRate(at: 100) - 0.1) < 1e-6)
    }

    @Test func aSmallConvolutionalNetworkLearns() throws {
        // Two classes of 6x6 images: a bright vertical or horizontal bar, in noise.
        var g = SeededGenerator(seed: 31)
        let net = Sequential([
            Conv2d(1, 4, kernel: 3, padding: 1, using: &g), BatchNorm2d(4), ReLU(), MaxPool2d(kernel: 2),
            Flatten(), Linear(36, 1, using: &g),
        ])
        let sgd = SGD(parameters: net.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        var losses: [Float] = []
        for _ in 0..<60 {
            var images = [Float](), labels = [Float]()
            for k in 0..<8 {
                let vertical = k % 2 == 0
                let bar = Int.random(in: 1..<5, using: &g)
                for y in 0..<6 { for x in 0..<6 {
                    let on = vertical ? x == bar : y == bar
                    images.append((on ? 1 : 0) + Float.random(in: -0.3...0.3, using: &g))
                } }
                labels.append(vertical ? 1 : 0)
            }
            let x = Variable(try Tensor(shape: [8, 1, 6, 6], values: images))
            let logits = try reshape(try net(x), [8])
            let loss = try binaryCrossEntropyWithLogits(logits, targets: Tensor(vector: labels))
            sgd.zeroGrad()
            loss.backward()
            sgd.step()
            losses.append(loss.value.item)
        }
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        #expect(late < early * 0.3, "loss \(early) → \(late)")
    }
}
