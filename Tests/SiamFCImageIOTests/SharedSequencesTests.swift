import Foundation
import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport

/// Loads every sequence of the shared development and training sets. The development set is
/// fixed, so its counts are pinned (taken with `ls img | wc -l` and `grep -c . groundtruth*.txt`);
/// the training pool is rebuilt from time to time, so only its layout and invariants are checked.
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct SharedSequencesTests {
    static let development: [String: (frames: Int, lines: Int, format: GroundTruth.Format)] = [
        "Biker": (142, 142, .otb), "Coke": (291, 291, .otb), "Crossing": (120, 120, .otb),
        "Deer": (71, 71, .otb), "Diving": (231, 215, .otb), "DragonBaby": (113, 113, .otb),
        "Girl": (500, 500, .otb), "MotorRolling": (164, 164, .otb), "Subway": (175, 175, .otb),
        "Suv": (945, 945, .otb), "vot15_bag": (196, 196, .vot),
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

    /// `train/`: target-centred square crops in OTB layout, one size per sequence, every box
    /// inside its crop, and `frames.txt` giving each crop's source frame and scale.
    @Test func trainingSequences() throws {
        let folders = try sequenceFolders("train")
        #expect(folders.count >= 10, "only \(folders.count) training sequences")
        let decoder = ImageDecoder()
        for folder in folders {
            let sequence = try FrameSequence(path: folder)
            let name = sequence.name
            // The trainer draws pairs from sequences with at least two annotated frames.
            #expect(sequence.frames.count >= 2, "\(name)")
            let groundTruth = try #require(sequence.groundTruth, "\(name): no ground truth")
            #expect(groundTruth.format == .otb, "\(name)")
            #expect(groundTruth.lineCount == sequence.frames.count, "\(name)")

            let first = try decoder.decode(file: sequence.frames[0])
            let last = try decoder.decode(file: sequence.frames[sequence.frames.count - 1])
            #expect(first.width == first.height && first.width == last.width && first.height == last.height, "\(name)")
            for (i, box) in groundTruth.boxes.enumerated() {
                guard let box, box.isValid else {
                    Issue.record("\(name): frame \(i + 1) has no box")
                    continue
                }
                #expect(box.x >= 1 && box.y >= 1 && box.x + box.width - 1 <= Double(first.width)
                        && box.y + box.height - 1 <= Double(first.height),
                        "\(name): box \(box) of frame \(i + 1) leaves the \(first.width)x\(first.height) crop")
            }
            try checkSourceFrames(of: sequence)
        }
    }

    /// `frames.txt`: a header, then one `source_frame,scale` line per crop, frames increasing.
    private func checkSourceFrames(of sequence: FrameSequence) throws {
        let text = try String(contentsOfFile: sequence.path + "/frames.txt", encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        #expect(lines.first == "source_frame,scale", "\(sequence.name)")
        let rows = lines.dropFirst()
        #expect(rows.count == sequence.frames.count, "\(sequence.name): \(rows.count) lines for \(sequence.frames.count) frames")
        var previous = 0
        for row in rows {
            let fields = row.split(separator: ",")
            guard fields.count == 2, let frame = Int(fields[0]), let scale = Double(fields[1]) else {
                Issue.record("\(sequence.name): malformed frames.txt line \"\(row)\"")
                continue
            }
            #expect(frame > previous && scale > 0 && scale.isFinite, "\(sequence.name): \"\(row)\"")
            previous = frame
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
