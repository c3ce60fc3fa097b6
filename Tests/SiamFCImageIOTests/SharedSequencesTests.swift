import Foundation
import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// Loads every sequence of the shared development and training sets. The expected counts were
/// taken with `ls img | wc -l` and `grep -c . groundtruth*.txt`.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct SharedSequencesTests {
    static let development: [String: (frames: Int, lines: Int, format: GroundTruth.Format)] = [
        "Biker": (142, 142, .otb), "Coke": (291, 291, .otb), "Crossing": (120, 120, .otb),
        "Deer": (71, 71, .otb), "Diving": (231, 215, .otb), "DragonBaby": (113, 113, .otb),
        "Girl": (500, 500, .otb), "MotorRolling": (164, 164, .otb), "Subway": (175, 175, .otb),
        "Suv": (945, 945, .otb), "vot15_bag": (196, 196, .vot),
    ]

    static let training: [String: Int] = [
        "lasot_airplane1": 165, "otb_bird2": 99, "otb_car1": 196, "otb_car4": 152, "otb_dog": 127,
        "otb_gym": 130, "otb_jogging1": 132, "otb_singer1": 55, "otb_skating2_1": 71, "otb_soccer": 50,
        "otb_surfer": 184, "otb_vase": 233, "otb_woman": 191, "tlp_bike": 81, "tlp_carchase2": 121,
        "tlp_drone1": 54, "tlp_mohiniyattam": 109, "tlp_motorcyclechase": 94, "uav123_building4": 263,
        "uav123_person11": 241, "uav123_person12_1": 201,
    ]

    func sequenceFolders(_ relative: String) throws -> [String] {
        let root = try SharedData.path(relative)
        return try FileManager.default.contentsOfDirectory(atPath: root)
            .filter { FileSystem.isDirectory(root + "/" + $0) }
            .sorted()
            .map { root + "/" + $0 }
    }

    @Test func developmentSequences() throws {
        let folders = try sequenceFolders("sequences")
        #expect(Set(folders.map { PathName.lastComponent($0) }) == Set(Self.development.keys))
        var total = 0
        for folder in folders {
            let sequence = try FrameSequence(path: folder)
            let expected = try #require(Self.development[sequence.name])
            #expect(sequence.frames.count == expected.frames, "\(sequence.name)")
            #expect(sequence.groundTruth?.lineCount == expected.lines, "\(sequence.name)")
            #expect(sequence.groundTruth?.format == expected.format, "\(sequence.name)")
            #expect(sequence.groundTruth?.boxes.allSatisfy { $0 != nil } == true, "\(sequence.name)")
            try checkFirstAndLastFrames(sequence)
            total += sequence.frames.count
        }
        #expect(total == 2948)
    }

    @Test func trainingSequences() throws {
        let folders = try sequenceFolders("train")
        #expect(Set(folders.map { PathName.lastComponent($0) }) == Set(Self.training.keys))
        for folder in folders {
            let sequence = try FrameSequence(path: folder)
            let frames = try #require(Self.training[sequence.name])
            #expect(sequence.frames.count == frames, "\(sequence.name)")
            #expect(sequence.groundTruth?.lineCount == frames, "\(sequence.name)")
            #expect(sequence.groundTruth?.format == .otb)
            try checkFirstAndLastFrames(sequence)
        }
    }

    @Test func knownQuirks() throws {
        let girl = try FrameSequence(path: try SharedData.path("sequences/Girl"))
        let frame = try ImageDecoder().decode(file: girl.frames[0])
        #expect(frame.width == 128 && frame.height == 96)
        #expect(girl.groundTruth?.box(at: 0) == BoundingBox(x: 57, y: 21, width: 31, height: 45))
        let diving = try FrameSequence(path: try SharedData.path("sequences/Diving"))
        #expect(diving.groundTruth?.box(at: 214) != nil && diving.groundTruth?.box(at: 215) == nil)
    }

    private func checkFirstAndLastFrames(_ sequence: FrameSequence) throws {
        let decoder = ImageDecoder()
        let first = try decoder.decode(file: sequence.frames[0])
        let last = try decoder.decode(file: sequence.frames[sequence.frames.count - 1])
        #expect(first.width == last.width && first.height == last.height, "\(sequence.name)")
        let box = try #require(sequence.groundTruth?.box(at: 0))
        #expect(box.x < Double(first.width) && box.y < Double(first.height), "\(sequence.name)")
    }
}
