import Testing
@testable import SiamFCEngine

/// The siamfc-pytorch AlexNet built from engine layers, loaded from `fdsiamfc30.safetensors`
/// by its PyTorch names, reproduces the reference implementation's features and responses
/// (`golden/siamfc/crossing_step.safetensors`) on the same crops.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct ReferenceModelTests {
    /// siamfc-pytorch's `AlexNetV1`: `convN.0` conv, `convN.1` batch norm (ε = 1e-6), ReLU, pool.
    static func alexNet(widths w: [Int]) -> Sequential {
        var g = SeededGenerator(seed: 1)
        func block(_ cin: Int, _ cout: Int, _ k: Int, stride: Int = 1, groups: Int = 1, bn: Bool = true,
                   pool: Bool = false) -> Sequential {
            var layers: [Module] = [Conv2d(cin, cout, kernel: k, stride: stride, groups: groups, using: &g)]
            if bn { layers += [BatchNorm2d(cout, epsilon: 1e-6, momentum: 0.05), ReLU()] }
            if pool { layers.append(MaxPool2d(kernel: 3, stride: 2)) }
            return Sequential(layers)
        }
        return Sequential(named: [
            ("conv1", block(3, w[0], 11, stride: 2, pool: true)),
            ("conv2", block(w[0], w[1], 5, groups: 2, pool: true)),
            ("conv3", block(w[1], w[2], 3)),
            ("conv4", block(w[2], w[3], 3, groups: 2)),
            ("conv5", block(w[3], w[4], 3, groups: 2, bn: false)),
        ])
    }

    func loadReference() throws -> (Sequential, SafetensorsFile) {
        let path = try SharedData.path("models/fdsiamfc30.safetensors")
        let weights = try SafetensorsFile.read(path: path)
        // Widths come from the file: each convolution's output channels.
        let widths = try (1...5).map { i in
            try #require(weights.tensors["backbone.conv\(i).0.weight"]).shape[0]
        }
        #expect(widths == [28, 76, 114, 114, 76])
        let net = Self.alexNet(widths: widths)
        try net.load(stateDict: weights.tensors, prefix: "backbone.", source: path)
        net.setTraining(false)
        let golden = try SafetensorsFile.read(path: try SharedData.path("golden/siamfc/crossing_step.safetensors"))
        return (net, golden)
    }

    @Test func featuresAndResponsesMatchTheReference() throws {
        let (net, golden) = try loadReference()
        let exemplarCrop = try #require(golden.tensors["exemplar_crop"])
        let searchCrops = try #require(golden.tensors["search_crops"])
        let exemplar = try net(Variable(exemplarCrop)).value
        let search = try net(Variable(searchCrops)).value
        let expectedExemplar = try #require(golden.tensors["exemplar_feature"])
        let expectedSearch = try #require(golden.tensors["search_features"])
        #expect(exemplar.shape == expectedExemplar.shape && search.shape == expectedSearch.shape)
        #expect(exemplar.maxAbsDifference(expectedExemplar) < 1e-3, "exemplar \(exemplar.maxAbsDifference(expectedExemplar))")
        #expect(search.maxAbsDifference(expectedSearch) < 1e-3, "search \(search.maxAbsDifference(expectedSearch))")

        let responses = try Tensor.crossCorrelation(search: search, exemplar: exemplar, scale: 0.001)
        let expected = try #require(golden.tensors["responses"])
        #expect(try responses.reshaped([3, 17, 17]).maxAbsDifference(expected) < 1e-3)
    }

    @Test func foldedBatchNormGivesTheSameFeatures() throws {
        let (net, golden) = try loadReference()
        let crop = try #require(golden.tensors["exemplar_crop"])
        var x = crop
        for (_, child) in net.children {
            let layers = try #require((child as? Sequential)?.children.map(\.1))
            let conv = try #require(layers[0] as? Conv2d)
            if let bn = layers.count > 1 ? layers[1] as? BatchNorm2d : nil {
                let (w, b) = try bn.folded(into: conv)
                x = try x.conv2d(weight: w, bias: b, stride: conv.stride, groups: conv.groups)
                x.applyReLU()
            } else {
                x = try x.conv2d(weight: conv.weight.value, bias: conv.bias?.value, stride: conv.stride, groups: conv.groups)
            }
            if layers.last is MaxPool2d { x = try x.maxPool2d(kernel: 3, stride: 2) }
        }
        let expected = try #require(golden.tensors["exemplar_feature"])
        #expect(x.maxAbsDifference(expected) < 1e-3, "\(x.maxAbsDifference(expected))")
    }

    @Test func checkpointImporterNamesMatch() throws {
        let weights = try SafetensorsFile.read(path: try SharedData.path("models/fdsiamfc30.safetensors"))
        let model = Self.alexNet(widths: [28, 76, 114, 114, 76]).stateDict().keys.map { "backbone." + $0 }
        let file = weights.tensors.keys.filter { !$0.hasSuffix("num_batches_tracked") }
        #expect(Set(model) == Set(file))
    }
}
