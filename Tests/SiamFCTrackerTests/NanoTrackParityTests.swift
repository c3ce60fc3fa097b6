import Testing
@testable import SiamFCTracker
import SiamFCEngine
import SiamFCEvaluation
import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// NanoTrack v2 in our tracker against OpenCV 5.0's `TrackerNano` (`golden/nanotrack`, see its
/// README): the first update stage by stage, then every sequence's boxes.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct NanoTrackParityTests {
    static func model() throws -> NanoTrackModel {
        try NanoTrackModel(backbone: try SharedData.path("models/nanotrackv2_backbone_sim.onnx"),
                           head: try SharedData.path("models/nanotrackv2_head_sim.onnx"))
    }

    /// Largest difference relative to the reference's largest magnitude.
    static func relativeError(_ ours: Tensor, _ reference: Tensor) -> Float {
        let scale = reference.scalars.map(abs).max() ?? 1
        return ours.maxAbsDifference(reference) / max(scale, 1e-12)
    }

    @Test func firstUpdateOnCrossingMatchesStageByStage() throws {
        let golden = try SafetensorsFile.read(path: try SharedData.path("golden/nanotrack/crossing_step.safetensors")).tensors
        func g(_ name: String) throws -> Tensor { try #require(golden[name], "golden tensor \(name)") }
        let sequence = try FrameSequence(path: try SharedData.path("sequences/Crossing"))
        let frames = try sequence.frames.prefix(2).map { try ImageDecoder().decode(file: $0) }
        let box = try #require(sequence.groundTruth?.box(at: 0))
        let rect = NanoTracker.integerRectangle(box)
        let initRect = try g("init_rect").scalars.map { Int($0) }
        #expect([rect.x, rect.y, rect.width, rect.height] == initRect)

        let model = try Self.model()
        let tracker = try NanoTracker(model: model)
        try tracker.initialize(frame: frames[0], box: box)
        let window = try g("window").scalars
        #expect(tracker.window == window, "the window is OpenCV's, bit for bit")
        // Crops are 8-bit values: exactly equal.
        let templateSide = try g("template_crop_side").scalars[0]
        let templateCrop = tracker.crop(frames[0], side: Int(templateSide), output: 127)
        #expect(templateCrop.maxAbsDifference(try g("template_crop")) == 0)
        let template = try #require(tracker.templateFeatures)
        #expect(Self.relativeError(template, try g("template_feature")) < 1e-4)

        let (side, scale) = tracker.searchGeometry()
        let searchSide = try g("search_crop_side").scalars[0]
        #expect(Float(side) == searchSide)
        let searchCrop = tracker.crop(frames[1], side: side, output: 255)
        #expect(searchCrop.maxAbsDifference(try g("search_crop")) == 0)
        let search = try model.features(searchCrop)
        #expect(Self.relativeError(search, try g("search_feature")) < 1e-4)
        let (classes, distances) = try model.head(template: template, search: search)
        #expect(Self.relativeError(classes, try g("cls")) < 1e-4)
        #expect(Self.relativeError(distances, try g("reg")) < 1e-4)
        _ = scale

        let (updated, score) = try tracker.update(frame: frames[1])
        let expectedBox = try g("box_frame2").scalars.map(Double.init)
        #expect([updated.x, updated.y, updated.width, updated.height] == expectedBox)
        let state = try g("state_frame2").scalars
        let ours = [tracker.state.cx, tracker.state.cy, tracker.state.width, tracker.state.height]
        for (a, b) in zip(ours, state) { #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "state \(ours) against \(state)") }
        let expectedScore = try g("score_frame2").scalars[0]
        #expect(abs(score - expectedScore) < 1e-5)
    }

    /// OpenCV's boxes on every sequence: the integer rectangle of every frame up to a late parting
    /// in at most one sequence, and each sequence's success AUC within 0.01 of OpenCV's.
    @Test func sequencesGiveOpenCVsBoxes() throws {
        let model = try Self.model()
        let root = try SharedData.path("sequences")
        var exact = 0, compared = 0
        var parted: [String] = []
        var ourCurves: [TrackingMetrics.Curves] = [], openCVCurves: [TrackingMetrics.Curves] = []
        for path in try FrameSequence.discover([root]) {
            let sequence = try FrameSequence(path: path)
            let reference = try GroundTruth.load(path: try SharedData.path("golden/nanotrack/\(sequence.name).txt"), format: .otb).boxes.map { try #require($0) }
            let truth = try #require(sequence.groundTruth)
            let tracker = try model.makeTracker()
            var boxes: [BoundingBox] = []
            try TrackingLoop.run(tracker, frames: try FrameReader(folder: path), initialBox: try #require(truth.box(at: 0))) { result, _ in
                boxes.append(result.box)
            }
            // Row 0 is the initial box (the ground truth, not OpenCV's integer rectangle).
            let rows = min(boxes.count, reference.count)
            let same = (1..<rows).filter { boxes[$0] == reference[$0] }.count
            exact += same
            compared += rows - 1
            let ground = (0..<rows).map { truth.box(at: $0) }
            let ours = TrackingMetrics.curves(predictions: Array(boxes.prefix(rows)), groundTruth: ground)
            let theirs = TrackingMetrics.curves(predictions: Array(reference.prefix(rows)), groundTruth: ground)
            ourCurves.append(ours)
            openCVCurves.append(theirs)
            #expect(abs(ours.successScore - theirs.successScore) <= 0.01, "\(sequence.name): AUC \(ours.successScore) against OpenCV's \(theirs.successScore)")
            // Tracking is chaotic: where the state comes within a few thousandths of a pixel of a
            // truncation boundary, any change in the networks' rounding can cross it, and from
            // there the paths differ by a pixel or, where the target is lost and found again, by
            // more. The engine's vector kernels round as OpenCV 5's dnn does (docs/nanotrack.md),
            // but the convolutions on OpenBLAS round as the sgemm kernel OpenBLAS picks for the
            // CPU: with its SkylakeX kernels every frame follows OpenCV, with its Haswell ones or
            // its generic fallback Suv parts at frame 359. The checks leave room for one late
            // parting, not an early one nor several.
            let firstDifference = (1..<rows).first { boxes[$0] != reference[$0] } ?? rows
            #expect(firstDifference >= min(rows, 300), "\(sequence.name): parts from OpenCV at frame \(firstDifference + 1)")
            if firstDifference < rows { parted.append("\(sequence.name) at frame \(firstDifference + 1)") }
            print("\(sequence.name): \(same) of \(rows - 1) frames exact")
        }
        #expect(compared > 2500)
        #expect(parted.count <= 1, "\(exact) of \(compared) frames exact; parted: \(parted.joined(separator: ", "))")
        let ours = TrackingMetrics.average(ourCurves).successScore, theirs = TrackingMetrics.average(openCVCurves).successScore
        #expect(abs(ours - theirs) <= 0.002, "mean AUC \(ours) against OpenCV's \(theirs)")
        print("NanoTrack parity: \(exact) of \(compared) frames exact, mean AUC \(ours) (OpenCV \(theirs))")
    }

    /// Trackers on two threads sharing one model give the boxes of one tracker alone.
    @Test func trackersOnTwoThreadsShareOneModel() throws {
        let model = try Self.model()
        let path = try SharedData.path("sequences/Crossing")
        let initial = try #require(try FrameSequence(path: path).groundTruth?.box(at: 0))
        @Sendable func track() throws -> [BoundingBox] {
            var boxes: [BoundingBox] = []
            try TrackingLoop.run(try model.makeTracker(), frames: try FrameReader(folder: path), initialBox: initial) { result, _ in
                boxes.append(result.box)
            }
            return boxes
        }
        let alone = try track()
        let together = try [0, 1].concurrentMap { _ in Result { try track() } }.map { try $0.get() }
        #expect(together.count == 2 && together.allSatisfy { $0 == alone })
    }
}
