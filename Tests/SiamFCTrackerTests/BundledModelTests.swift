import Testing
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
@testable import SiamFCTracker

@Suite struct BundledModelTests {
    /// The shipped model loads from the library's resources, and it is the trained one: on four
    /// shared sequences it scores a mean AUC of 0.70 (a network of the same shape after one
    /// training step scores 0.15 there).
    @Test(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
    func loadsAndTracksRealSequences() throws {
        let path = try #require(SiamFCModel.bundledPath)
        #expect(path.hasSuffix("/siamfc-default.safetensors"))
        let model = try SiamFCModel.bundled()
        #expect(model.backbone.widths == [24, 64, 96, 96, 64])
        let root = try SharedData.path("sequences")
        let results = try OnePassEvaluation.run(["Crossing", "Deer", "Subway", "vot15_bag"].map { root + "/" + $0 },
                                                model: model, jobs: 2)
        let auc = TrackingMetrics.average(results.map(\.curves)).successScore
        #expect(auc > 0.6, "mean AUC \(auc)")
    }
}
