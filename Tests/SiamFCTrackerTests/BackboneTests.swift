import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// The siamfc-pytorch AlexNet built from engine layers, loaded from `fdsiamfc30.safetensors`
/// by its PyTorch names, reproduces the reference implementation's features and responses
/// (`golden/siamfc/crossing_step.safetensors`) on the same crops.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct BackboneTests {
    static func golden() throws -> SafetensorsFile {
        try SafetensorsFile.read(path: try SharedData.path("golden/siamfc/crossing_step.safetensors"))
    }

    @Test func trainableAndFoldedNetworksMatchTheReference() throws {
        let path = try SharedData.path("models/fdsiamfc30.safetensors")
        let weights = try SafetensorsFile.read(path: path)
        #expect(try AlexNetBackbone.widths(in: weights.tensors, prefix: "backbone.", source: path) == [28, 76, 114, 114, 76])
        var g = SplitMix64(seed: 1)
        let network = AlexNetBackbone.make(widths: [28, 76, 114, 114, 76], using: &g)
        try network.load(stateDict: weights.tensors, prefix: "backbone.", source: path)
        network.setTraining(false)
        let folded = try SiamFCModel(contentsOf: path).backbone
        let golden = try Self.golden()
        for (crop, feature) in [("exemplar_crop", "exemplar_feature"), ("search_crops", "search_features")] {
            let input = try #require(golden.tensors[crop]), expected = try #require(golden.tensors[feature])
            let trainable = try network(Variable(input)).value
            let fast = try folded(input)
            #expect(trainable.maxAbsDifference(expected) < 1e-3, "\(feature) (trainable) \(trainable.maxAbsDifference(expected))")
            #expect(fast.maxAbsDifference(expected) < 1e-3, "\(feature) (folded) \(fast.maxAbsDifference(expected))")
        }
    }

    @Test func namesMatchTheCheckpointExactly() throws {
        let weights = try SafetensorsFile.read(path: try SharedData.path("models/fdsiamfc30.safetensors"))
        var g = SplitMix64(seed: 1)
        let model = AlexNetBackbone.make(widths: [28, 76, 114, 114, 76], using: &g).stateDict().keys.map { "backbone." + $0 }
        #expect(Set(model) == Set(weights.tensors.keys.filter { !$0.hasSuffix("num_batches_tracked") }))
    }

    @Test func bothSharedModelsLoadWithTheirOwnWidths() throws {
        let narrow = try SiamFCModel(contentsOf: try SharedData.path("models/fdsiamfc15.safetensors"))
        #expect(narrow.backbone.widths == [14, 38, 56, 56, 38])
        let features = try narrow.backbone(Tensor(repeating: 100, shape: [1, 3, 127, 127]))
        #expect(features.shape == [1, 38, 6, 6])
    }
}
