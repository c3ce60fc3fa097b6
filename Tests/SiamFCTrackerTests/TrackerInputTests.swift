import Dispatch
import Testing
@testable import SiamFCTracker
import SiamFCEngine
@testable import SiamFCImageIO
import CImageShim
import SiamFCSupport

/// Inputs a user can feed the tracker: each gives a result or a clear error, never a crash.
@Suite struct TrackerInputTests {
    /// A narrow AlexNet with random weights: tracking mechanics need no trained model.
    static let model: SiamFCModel = {
        var g = SplitMix64(seed: 11)
        let network = AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g)
        network.setTraining(false)
        // Folding cannot fail for a network made by AlexNetBackbone.make.
        return SiamFCModel(backbone: (try? FoldedBackbone(network))!, source: "random")
    }()

    static func frame(width: Int = 160, height: Int = 120, shift: Int = 0) -> RGBImage {
        var image = RGBImage(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let inside = (x - shift) >= 60 && (x - shift) < 90 && y >= 40 && y < 70
                image[x, y] = inside ? (230, UInt8((x * 7) % 256), 40) : (UInt8((x + y) % 200), 90, UInt8(y % 256))
            }
        }
        return image
    }

    func track(_ box: BoundingBox, frames: Int = 4) throws -> [BoundingBox] {
        let tracker = try SiamFCTracker(model: Self.model)
        try tracker.initialize(frame: Self.frame(), box: box)
        return try (1..<frames).map { try tracker.update(frame: Self.frame(shift: 2 * $0)).box }
    }

    @Test func ordinaryTrackingGivesFiniteBoxes() throws {
        for box in try track(BoundingBox(x: 61, y: 41, width: 30, height: 30)) {
            #expect(box.isValid && box.width > 0)
        }
    }

    @Test func boxPartlyOutsideTheFrameTracks() throws {
        let boxes = try track(BoundingBox(x: -10, y: -5, width: 40, height: 30))
        #expect(boxes.allSatisfy { $0.isValid })
    }

    @Test func boxFullyOutsideTheFrameIsRefused() throws {
        let tracker = try SiamFCTracker(model: Self.model)
        for box in [BoundingBox(x: 200, y: 10, width: 20, height: 20), BoundingBox(x: -50, y: 10, width: 20, height: 20)] {
            let error = #expect(throws: TrackerError.self) { try tracker.initialize(frame: Self.frame(), box: box) }
            #expect(error?.description.contains("outside the 160x120 frame") == true)
        }
    }

    @Test func zeroNegativeAndNonFiniteSizesAreRefused() throws {
        let tracker = try SiamFCTracker(model: Self.model)
        for box in [BoundingBox(x: 10, y: 10, width: 0, height: 20), BoundingBox(x: 10, y: 10, width: 20, height: -3),
                    BoundingBox(x: .nan, y: 10, width: 20, height: 20)] {
            let error = #expect(throws: TrackerError.self) { try tracker.initialize(frame: Self.frame(), box: box) }
            #expect(error?.description.contains("positive width and height") == true)
        }
        #expect(throws: TrackerError.self) { try tracker.update(frame: Self.frame()) }  // not initialised
    }

    @Test func tinyAndWholeFrameBoxesTrack() throws {
        let tiny = try track(BoundingBox(x: 70, y: 50, width: 2, height: 2))
        #expect(tiny.allSatisfy { $0.isValid && $0.width >= 2 * 0.2 })
        let whole = try track(BoundingBox(x: 1, y: 1, width: 160, height: 120))
        #expect(whole.allSatisfy { $0.isValid && $0.width <= 160 * 5 })
    }

    @Test func grayscaleFramesTrack() throws {
        let gray = Self.frame().pixels.enumerated().map { i, _ -> UInt8 in UInt8((i / 3) % 251) }
        let jpeg = try ImageEncoder.encodeJPEG(
            (0..<(160 * 120)).map { gray[3 * $0] }, width: 160, height: 120, layout: SFC_JPEG_GRAY, quality: 90, progressive: false)
        let frame = try ImageDecoder().decode(jpeg, path: "gray.jpg").image
        let tracker = try SiamFCTracker(model: Self.model)
        try tracker.initialize(frame: frame, box: BoundingBox(x: 50, y: 40, width: 30, height: 20))
        #expect(try tracker.update(frame: frame).box.isValid)
    }

    @Test func aFrameOfAnotherSizeIsRefusedByNumber() throws {
        let tracker = try SiamFCTracker(model: Self.model)
        try tracker.initialize(frame: Self.frame(), box: BoundingBox(x: 61, y: 41, width: 30, height: 30))
        _ = try tracker.update(frame: Self.frame())
        let error = #expect(throws: TrackerError.self) { try tracker.update(frame: Self.frame(width: 200)) }
        #expect(error?.description == "frame 3 is 200x120, the first frame was 160x120")
    }

    @Test func modelFilesWithMissingOrMisshapenTensorsNameTheTensor() throws {
        var g = SplitMix64(seed: 12)
        let state = AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g).stateDict()
        var missing = state
        missing["conv3.1.running_var"] = nil
        var error = #expect(throws: TrackerError.self) { try SiamFCModel(state: missing, source: "m.safetensors") }
        #expect(error?.description == "m.safetensors: missing tensor conv3.1.running_var")
        var misshapen = state
        misshapen["conv2.0.weight"] = Tensor(zeros: [8, 4, 3, 3])
        error = #expect(throws: TrackerError.self) { try SiamFCModel(state: misshapen, source: "m.safetensors") }
        #expect(error?.description.contains("conv2.0.weight has shape [8, 4, 3, 3]") == true)
        var noConv = state
        noConv["conv1.0.weight"] = nil
        error = #expect(throws: TrackerError.self) { try SiamFCModel(state: noConv, source: "m.safetensors") }
        #expect(error?.description == "m.safetensors: missing tensor conv1.0.weight")
        error = #expect(throws: TrackerError.self) { try SiamFCModel(contentsOf: "/nonexistent/model.safetensors") }
        #expect(error?.description.contains("/nonexistent/model.safetensors") == true)
    }

    @Test func trackersOnSeveralThreadsMatchSerialRuns() throws {
        let box = BoundingBox(x: 61, y: 41, width: 30, height: 30)
        let serial = try track(box, frames: 5)
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let boxes = try? self.track(box, frames: 5)
            results.set(i, boxes)
        }
        for i in 0..<4 { #expect(results.get(i) == serial) }
    }
}

final class ResultBox: @unchecked Sendable {
    private var values: [Int: [BoundingBox]?] = [:]
    private let lock = Lock()
    func set(_ i: Int, _ v: [BoundingBox]?) { lock.withLock { values[i] = v } }
    func get(_ i: Int) -> [BoundingBox]? { lock.withLock { values[i] ?? nil } }
}
