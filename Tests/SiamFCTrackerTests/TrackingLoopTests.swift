import Testing
import SiamFCEngine
import SiamFCImageIO
import SiamFCSupport
import SiamFCTestSupport
@testable import SiamFCTracker

/// A tracker that moves the box one pixel right per update and records what it was asked.
private final class ScriptedTracker: Tracker {
    var initialized: [BoundingBox] = []
    var updates = 0
    var failOnUpdate: Int?
    private var box = BoundingBox(x: 0, y: 0, width: 0, height: 0)

    func initialize(frame: RGBImage, box: BoundingBox) throws {
        initialized.append(box)
        self.box = box
    }

    func update(frame: RGBImage) throws -> (box: BoundingBox, score: Float) {
        updates += 1
        if updates == failOnUpdate { throw TrackerError("lost the target") }
        box = BoundingBox(x: box.x + 1, y: box.y, width: box.width, height: box.height)
        return (box, Float(updates) / 10)
    }

    var stageSeconds: [Double] { [0.25, 0.5] }
}

/// A source whose frames at `unreadable` cannot be decoded, and whose frames at `wrongSize` are
/// another size.
private final class DamagedFrames: FrameSource {
    let unreadable: Set<Int>, wrongSize: Set<Int>, count: Int
    private var index = 0
    init(count: Int, unreadable: Set<Int> = [], wrongSize: Set<Int> = []) {
        (self.count, self.unreadable, self.wrongSize) = (count, unreadable, wrongSize)
    }
    var frameCount: Int? { count }
    func next() throws -> Frame? {
        guard index < count else { return nil }
        defer { index += 1 }
        if unreadable.contains(index) { throw UnreadableFrame(index: index, name: "f\(index).jpg", reason: "truncated JPEG") }
        let size = wrongSize.contains(index) ? 9 : 8
        return Frame(index: index, name: "f\(index).jpg", image: RGBImage(width: size, height: 6), time: Double(index) / 10,
                     warning: index == 3 ? "1 decoder warning(s)" : nil)
    }
}

/// A source whose frame `failAt` cannot be decoded.
private final class BrokenFrames: FrameSource {
    let failAt: Int
    private var index = 0
    init(failAt: Int) { self.failAt = failAt }
    var frameCount: Int? { nil }
    func next() throws -> Frame? {
        defer { index += 1 }
        if index == failAt { throw ImageIOError(path: "f\(index).jpg", reason: .truncated, message: "truncated JPEG") }
        return Frame(index: index, name: "f\(index).jpg", image: RGBImage(width: 4, height: 4))
    }
}

@Suite struct TrackingLoopTests {
    static func frames(_ count: Int) -> DecodedFrames {
        DecodedFrames((0..<count).map { ("dir/\($0).jpg", RGBImage(width: 8, height: 6)) })
    }

    static let start = BoundingBox(x: 3, y: 4, width: 5, height: 6)

    @Test func initialisesOnTheFirstFrameAndUpdatesOnTheRest() throws {
        let tracker = ScriptedTracker()
        var seen: [TrackedFrame] = []
        try TrackingLoop.run(tracker, frames: Self.frames(4), initialBox: Self.start) { frame, image in
            #expect(image.width == 8)
            seen.append(frame)
        }
        #expect(tracker.initialized == [Self.start] && tracker.updates == 3)
        #expect(seen.map(\.index) == [0, 1, 2, 3])
        #expect(seen.map(\.name) == ["dir/0.jpg", "dir/1.jpg", "dir/2.jpg", "dir/3.jpg"])
        #expect(seen.map(\.box.x) == [3, 4, 5, 6])
        #expect(seen.map(\.score) == [nil, 0.1, 0.2, 0.3])
        #expect(seen[0].stageSeconds.isEmpty && seen[1].stageSeconds == [0.25, 0.5])
        #expect(seen.allSatisfy { $0.trackSeconds >= 0 && $0.decodeSeconds >= 0 })
    }

    @Test func stopsWhenAskedWithTheFramesDone() throws {
        var calls = 0
        let error = #expect(throws: TrackingInterrupted.self) {
            try TrackingLoop.run(ScriptedTracker(), frames: Self.frames(5), initialBox: Self.start,
                                 shouldStop: { calls += 1; return calls > 3 }) { _, _ in }
        }
        #expect(error == TrackingInterrupted(framesDone: 3))
    }

    @Test func errorsNameTheFrame() throws {
        let tracker = ScriptedTracker()
        tracker.failOnUpdate = 2
        let error = #expect(throws: TrackerError.self) {
            try TrackingLoop.run(tracker, frames: Self.frames(5), initialBox: Self.start) { _, _ in }
        }
        #expect(error?.message == "dir/2.jpg: lost the target")
        let decoding = #expect(throws: ImageIOError.self) {
            try TrackingLoop.run(ScriptedTracker(), frames: BrokenFrames(failAt: 2), initialBox: Self.start) { _, _ in }
        }
        #expect(decoding?.path == "f2.jpg")
    }

    /// The loop adds nothing to a tracker's arithmetic: SiamFC through it gives the boxes of
    /// calling initialize and update by hand, bit for bit.
    @Test func siamFCThroughTheLoopEqualsDirectCalls() throws {
        var g = SplitMix64(seed: 5)
        let network = AlexNetBackbone.make(widths: [8, 8, 8, 8, 8], using: &g)
        network.setTraining(false)
        let model = SiamFCModel(backbone: try FoldedBackbone(network), source: "random", configuration: .fiveScale)
        var images: [RGBImage] = []
        for i in 0..<4 {
            var image = RGBImage(width: 64, height: 48)
            for y in 0..<48 { for x in 0..<64 { image[x, y] = (UInt8((x * 4 + i * 3) & 255), UInt8((y * 5) & 255), UInt8((x ^ y) & 255)) } }
            images.append(image)
        }
        let start = BoundingBox(x: 20, y: 15, width: 12, height: 10)
        let direct = try SiamFCTracker(model: model)
        #expect(direct.configuration == .fiveScale)
        try direct.initialize(frame: images[0], box: start)
        let expected = try [start] + images.dropFirst().map { try direct.update(frame: $0).box }
        var looped: [BoundingBox] = []
        try TrackingLoop.run(try model.makeTracker(), frames: DecodedFrames(images.map { ("frame", $0) }), initialBox: start) { frame, _ in
            looped.append(frame.box)
        }
        #expect(looped == expected)
        #expect(model.stages.map(\.key) == ["crop", "backbone", "correlation", "upsampleAndPeak"])
        #expect(model.backboneFLOPsPerUpdate == model.backbone.flops(batch: 5, size: 255))
    }

    @Test func unreadableAndMisfitFramesAreSkippedWithTheLastBox() throws {
        let tracker = ScriptedTracker()
        var seen: [TrackedFrame] = []
        var sizes: [Int] = []
        try TrackingLoop.run(tracker, frames: DamagedFrames(count: 7, unreadable: [2, 5], wrongSize: [4]), initialBox: Self.start) {
            seen.append($0)
            sizes.append($1.width)
        }
        #expect(seen.map(\.index) == Array(0..<7))
        #expect(seen.map(\.status) == [.initial, .tracked, .skipped, .damaged, .skipped, .skipped, .tracked])
        #expect(seen.map(\.box.x) == [3, 4, 4, 5, 5, 5, 6])
        #expect(seen.map(\.score) == [nil, 0.1, nil, 0.2, nil, nil, 0.3])
        #expect(tracker.updates == 3 && sizes == [8, 8, 8, 8, 8, 8, 8])
        #expect(seen[2].problem == "f2.jpg: truncated JPEG")
        #expect(seen[3].problem == "f3.jpg frame 4 (0.300 s): 1 decoder warning(s)")
        #expect(seen[4].problem == "f4.jpg frame 5 (0.400 s): frame 5 is 9x6, the first frame was 8x6")
        #expect(seen[1].time == 0.1 && seen[2].time == nil)
    }

    @Test func strictStopsAtTheFirstBadFrameAndTheFirstFrameMustDecode() throws {
        var seen = 0
        let error = #expect(throws: UnreadableFrame.self) {
            try TrackingLoop.run(ScriptedTracker(), frames: DamagedFrames(count: 5, unreadable: [2]), initialBox: Self.start,
                                 strict: true) { _, _ in seen += 1 }
        }
        #expect(error?.index == 2 && seen == 2)
        #expect(throws: TrackerError.self) {
            try TrackingLoop.run(ScriptedTracker(), frames: DamagedFrames(count: 5, wrongSize: [1]), initialBox: Self.start,
                                 strict: true) { _, _ in }
        }
        #expect(throws: UnreadableFrame.self) {
            try TrackingLoop.run(ScriptedTracker(), frames: DamagedFrames(count: 5, unreadable: [0]), initialBox: Self.start) { _, _ in }
        }
    }

    @Test func limitEndsTheRun() throws {
        var seen = 0
        try TrackingLoop.run(ScriptedTracker(), frames: Self.frames(5), initialBox: Self.start, limit: 3) { _, _ in seen += 1 }
        #expect(seen == 3)
    }
}
