import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// The tracker against the reference implementation in `golden/siamfc` (see its README for the
/// tolerances a correct implementation meets).
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct GoldenTrackingTests {
    static func model() throws -> SiamFCModel {
        try SiamFCModel(contentsOf: try SharedData.path("models/fdsiamfc30.safetensors"))
    }

    /// Initialisation on Crossing frame 1 and the first update, stage by stage.
    @Test func firstUpdateOnCrossingMatchesStageByStage() throws {
        let golden = try BackboneTests.golden().tensors
        let sequence = try FrameSequence(path: try SharedData.path("sequences/Crossing"))
        let frames = try sequence.frames.prefix(2).map { try ImageDecoder().decode(file: $0) }
        let initBox = try #require(golden["init_box"]).scalars.map(Double.init)
        let box = BoundingBox(x: initBox[0], y: initBox[1], width: initBox[2], height: initBox[3])
        #expect(box == sequence.groundTruth?.box(at: 0))

        let tracker = try SiamFCTracker(model: try Self.model())
        try tracker.initialize(frame: frames[0], box: box)
        let mean = try #require(golden["frame0_mean_rgb"]).scalars
        let ours = PatchCropper.meanColor(frames[0])
        #expect(abs(ours.0 - mean[0]) < 1e-3 && abs(ours.1 - mean[1]) < 1e-3 && abs(ours.2 - mean[2]) < 1e-3)
        let exemplarCrop = try tracker.exemplarCrop(frames[0])
        #expect(exemplarCrop.maxAbsDifference(try #require(golden["exemplar_crop"])) < 1e-2)

        let crops = try tracker.searchCrops(frames[1])
        let cropError = crops.maxAbsDifference(try #require(golden["search_crops"]))
        #expect(cropError < 1e-2, "search crops differ by \(cropError)")
        let features = try tracker.model.backbone(crops)
        #expect(features.maxAbsDifference(try #require(golden["search_features"])) < 1e-3)
        let exemplar = try tracker.model.backbone(exemplarCrop)
        #expect(exemplar.maxAbsDifference(try #require(golden["exemplar_feature"])) < 1e-3)
        let responses = try Tensor.crossCorrelation(search: features, exemplar: exemplar, scale: 0.001)
        #expect(try responses.reshaped([3, 17, 17]).maxAbsDifference(try #require(golden["responses"])) < 1e-3)
        let upsampled = try responses.resized(height: 272, width: 272, interpolation: .bicubic)
        #expect(try upsampled.reshaped([3, 272, 272]).maxAbsDifference(try #require(golden["responses_upsampled"])) < 1e-3)
        let (scale, _, _) = try tracker.locatePeak(responses)
        #expect(Float(scale) == (try #require(golden["scale_id_frame2"])).item)

        let (result, score) = try tracker.update(frame: frames[1])
        let expected = try #require(golden["box_frame2"]).scalars.map(Double.init)
        for (a, b) in zip([result.x, result.y, result.width, result.height], expected) {
            #expect(abs(a - b) < 0.05, "box \(result) vs \(expected)")
        }
        #expect(score.isFinite && score > 0)
    }

    @Test(arguments: ["Crossing", "Girl", "Deer", "vot15_bag", "MotorRolling", "Subway"])
    func wholeSequenceFollowsTheReference(_ name: String) throws {
        let sequence = try FrameSequence(path: try SharedData.path("sequences/" + name))
        let text = String(decoding: try FileBytes.read(try SharedData.path("golden/siamfc/\(name).txt")), as: UTF8.self)
        let reference = GroundTruth.parse(text, path: name).boxes.compactMap { $0 }
        #expect(reference.count == sequence.frames.count)
        let truth = try #require(sequence.groundTruth)
        let tracker = try SiamFCTracker(model: try Self.model())
        let decoder = ImageDecoder()
        try tracker.initialize(frame: try decoder.decode(file: sequence.frames[0]), box: reference[0])
        var boxes = [reference[0]]
        for file in sequence.frames.dropFirst() { boxes.append(try tracker.update(frame: try decoder.decode(file: file)).box) }

        for i in 1..<min(6, boxes.count) {
            let (a, b) = (boxes[i], reference[i])
            let worst = max(abs(a.x - b.x), abs(a.y - b.y), abs(a.width - b.width), abs(a.height - b.height))
            #expect(worst < 0.5, "\(name) frame \(i + 1): \(a) vs \(b)")
        }
        let meanIoU = zip(boxes, reference).map(TrackingMetrics.iou).reduce(0, +) / Double(boxes.count)
        #expect(meanIoU >= 0.85, "\(name): mean IoU with the reference \(meanIoU)")
        let ours = TrackingMetrics.curves(predictions: boxes, groundTruth: truth.boxes).successScore
        let theirs = TrackingMetrics.curves(predictions: reference, groundTruth: truth.boxes).successScore
        #expect(abs(ours - theirs) <= 0.03, "\(name): AUC \(ours) vs the reference's \(theirs)")
    }
}
