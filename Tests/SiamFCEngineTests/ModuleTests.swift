import Testing
@testable import SiamFCEngine

@Suite struct ModuleTests {
    /// The siamfc-pytorch AlexNet layout: `conv1.0` conv, `conv1.1` batch norm, ….
    func alexNetLike(_ g: inout SeededGenerator) -> Sequential {
        Sequential(named: [
            ("conv1", Sequential([Conv2d(3, 4, kernel: 3, using: &g), BatchNorm2d(4), ReLU()])),
            ("conv2", Sequential([Conv2d(4, 2, kernel: 1, groups: 2, using: &g)])),
        ])
    }

    @Test func namesFollowPyTorch() {
        var g = SeededGenerator(seed: 41)
        let net = alexNetLike(&g)
        #expect(net.stateDict().keys.sorted() == [
            "conv1.0.bias", "conv1.0.weight", "conv1.1.bias", "conv1.1.running_mean", "conv1.1.running_var",
            "conv1.1.weight", "conv2.0.bias", "conv2.0.weight",
        ])
        #expect(net.parameters.count == 6)
    }

    @Test func loadsByNameWithPrefixAndChecksShapes() throws {
        var g = SeededGenerator(seed: 42)
        let source = alexNetLike(&g), target = alexNetLike(&g)
        var state: [String: Tensor] = [:]
        for (k, v) in source.stateDict() { state["backbone." + k] = v }
        state["backbone.conv1.1.num_batches_tracked"] = Tensor(7)
        state["head.other"] = Tensor(1)
        try target.load(stateDict: state, prefix: "backbone.")
        #expect(target.stateDict()["conv1.0.weight"] == source.stateDict()["conv1.0.weight"])
        #expect(target.stateDict()["conv1.1.running_var"] == source.stateDict()["conv1.1.running_var"])

        var missing = state
        missing["backbone.conv2.0.bias"] = nil
        let e1 = #expect(throws: EngineError.self) { try target.load(stateDict: missing, prefix: "backbone.", source: "m.safetensors") }
        #expect(e1?.description == "m.safetensors: missing tensor backbone.conv2.0.bias")
        var wrong = state
        wrong["backbone.conv1.0.weight"] = Tensor(zeros: [4, 3, 5, 5])
        let e2 = #expect(throws: EngineError.self) { try target.load(stateDict: wrong, prefix: "backbone.") }
        #expect(e2?.description.contains("has shape [4, 3, 5, 5], the model expects [4, 3, 3, 3]") == true)
        var extra = state
        extra["backbone.conv9.0.weight"] = Tensor(1)
        #expect(throws: EngineError.self) { try target.load(stateDict: extra, prefix: "backbone.") }
    }

    @Test func trainingModeReachesEveryChild() throws {
        var g = SeededGenerator(seed: 43)
        let net = alexNetLike(&g)
        net.setTraining(false)
        let bn = try #require((net.children[0].1 as? Sequential)?.children[1].1 as? BatchNorm2d)
        #expect(!bn.isTraining)
        let before = bn.runningMean.value
        _ = try net(Variable(randomTensor([2, 3, 6, 6], &g)))
        #expect(bn.runningMean.value == before)  // evaluation mode leaves statistics alone
    }
}

@Suite struct FoldingTests {
    /// Folding reads every per-channel tensor; one of the wrong size is an error, not a read
    /// past its end.
    @Test func foldingChecksEveryShape() throws {
        var g = SeededGenerator(seed: 45)
        let conv = Conv2d(2, 3, kernel: 3, using: &g)
        let bn = BatchNorm2d(3)
        _ = try bn.folded(into: conv)
        bn.runningVar.value = Tensor(repeating: 1, shape: [2])
        let error = #expect(throws: EngineError.self) { try bn.folded(into: conv) }
        #expect(error?.message == "batch norm: running var shape [2] does not match 3 channels")
        #expect(throws: EngineError.self) { try BatchNorm2d(4).folded(into: conv) }
    }
}

@Suite struct NoGradientTests {
    @Test func withoutGradientsRecordsNothing() throws {
        var g = SeededGenerator(seed: 44)
        let conv = Conv2d(2, 3, kernel: 3, using: &g)
        let x = Variable(randomTensor([2, 2, 5, 5], &g))
        let recorded = try conv(x)
        #expect(recorded.requiresGrad)
        let plain = try Variable.withoutGradients { try maxPool2d(try conv(x), kernel: 2) }
        #expect(!plain.requiresGrad)
        #expect(plain.value == (try maxPool2d(try conv(x), kernel: 2)).value)
        // Outside the scope recording is back.
        #expect(try conv(x).requiresGrad)
    }
}

@Suite struct BufferPoolTests {
    @Test func sizeClassesCoverRequestsWithLittleWaste() {
        for bytes in [1, 100, 65_536, 65_537, 100_000, 1 << 20, (1 << 20) + 1, 18_874_368, 123_456_789] {
            let size = BufferPool.sizeClass(bytes)
            #expect(size >= bytes)
            #expect(Double(size) <= Double(bytes) * 1.126 + 1, "\(bytes) → \(size)")
        }
    }

    @Test func freedBuffersAreReusedAndTheCapacityHolds() {
        let pool = BufferPool(capacityBytes: 1 << 20)
        let a = pool.allocate(bytes: 300_000)
        pool.release(a, bytes: 300_000)
        let b = pool.allocate(bytes: 299_000)  // same size class
        #expect(a == b)
        let big = pool.allocate(bytes: 4 << 20)
        pool.release(big, bytes: 4 << 20)  // over capacity: freed, not kept
        let again = pool.allocate(bytes: 4 << 20)
        pool.release(again, bytes: 4 << 20)
        pool.release(b, bytes: 299_000)
    }
}
