import Foundation
import Testing
@testable import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

@Suite struct TrackingMetricsTests {
    @Test func handComputedCases() {
        let a = BoundingBox(x: 1, y: 1, width: 10, height: 10)
        #expect(TrackingMetrics.iou(a, a) == 1)
        // Half overlap along x: intersection 50, union 150.
        #expect(abs(TrackingMetrics.iou(a, BoundingBox(x: 6, y: 1, width: 10, height: 10)) - 1.0 / 3.0) < 1e-12)
        #expect(TrackingMetrics.iou(a, BoundingBox(x: 30, y: 30, width: 5, height: 5)) == 0)
        #expect(TrackingMetrics.centerError(a, BoundingBox(x: 4, y: 5, width: 10, height: 10)) == 5)
        // Centres use (w − 1)/2: boxes of different sizes with the same top-left corner.
        #expect(TrackingMetrics.centerError(a, BoundingBox(x: 1, y: 1, width: 12, height: 10)) == 1)

        let truth: [BoundingBox?] = [a, a, nil, a]
        let predictions = [a, BoundingBox(x: 6, y: 1, width: 10, height: 10), a, BoundingBox(x: 50, y: 50, width: 10, height: 10)]
        let curves = TrackingMetrics.curves(predictions: predictions, groundTruth: truth)
        #expect(curves.frames == 3)
        #expect(curves.success[0] == 2.0 / 3.0)     // IoU > 0: frames 1 and 2
        #expect(curves.success[6] == 2.0 / 3.0)     // IoU 1/3 > 0.3
        #expect(curves.success[7] == 1.0 / 3.0)     // but not > 0.35
        #expect(curves.success[20] == 0)            // IoU > 1 never
        #expect(curves.precision[0] == 1.0 / 3.0 && curves.precision[5] == 2.0 / 3.0)
        #expect(abs(curves.successScore - curves.success.reduce(0, +) / 21) < 1e-12)
        // Normalised error: 5 px right on a 10 px wide box is 0.5.
        #expect(TrackingMetrics.normalizedCenterError(BoundingBox(x: 6, y: 1, width: 10, height: 10), a) == 0.5)
        #expect(curves.normalizedPrecision[0] == 1.0 / 3.0 && curves.normalizedPrecision[50] == 2.0 / 3.0)
        // (x + w) − x rounds above w for this box; its IoU with itself must still be 1 at most.
        let rounding = BoundingBox(x: 244.73, y: 131.59, width: 36.57, height: 27.71)
        #expect(TrackingMetrics.iou(rounding, rounding) == 1)
        #expect(TrackingMetrics.curves(predictions: [rounding], groundTruth: [rounding]).success[20] == 0)
        let averaged = TrackingMetrics.average([curves, TrackingMetrics.curves(predictions: [a], groundTruth: [a])])
        #expect(averaged.success[0] == (2.0 / 3.0 + 1) / 2)
    }

    /// The reference toolkit's figures for OpenCV CSRT's boxes on every development sequence.
    @Test(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
    func matchesTheReferenceToolkit() throws {
        let root = try SharedData.path("golden/metrics")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/performance.json")))
        let reference = try #require(json as? [String: [String: Any]])
        var all: [TrackingMetrics.Curves] = []
        for name in reference.keys.sorted() where name != "overall" {
            let expected = try #require(reference[name])
            let sequence = try FrameSequence(path: try SharedData.path("sequences/" + name))
            let text = String(decoding: try FileBytes.read(root + "/\(name).txt"), as: UTF8.self)
            let predictions = GroundTruth.parse(text, path: name).boxes.map { $0 ?? BoundingBox(x: 0, y: 0, width: 0, height: 0) }
            let curves = TrackingMetrics.curves(predictions: predictions, groundTruth: try #require(sequence.groundTruth).boxes)
            all.append(curves)
            try compare(curves, expected, name)
        }
        try compare(TrackingMetrics.average(all), try #require(reference["overall"]), "overall")
    }

    func compare(_ curves: TrackingMetrics.Curves, _ expected: [String: Any], _ name: String) throws {
        let success = try #require(expected["success_curve"] as? [Double])
        let precision = try #require(expected["precision_curve"] as? [Double])
        #expect(zip(curves.success, success).allSatisfy { abs($0 - $1) < 1e-9 }, "\(name) success")
        #expect(zip(curves.precision, precision).allSatisfy { abs($0 - $1) < 1e-9 }, "\(name) precision")
        #expect(abs(curves.successScore - (expected["success_score"] as? Double ?? -1)) < 1e-9, "\(name) AUC")
        #expect(abs(curves.precisionScore - (expected["precision_score"] as? Double ?? -1)) < 1e-9, "\(name) precision@20")
        #expect(abs(curves.successRate - (expected["success_rate"] as? Double ?? -1)) < 1e-9, "\(name) success rate")
    }
}
