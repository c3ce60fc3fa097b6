import ArgumentParser
import Foundation
import SiamFCImageIO
import SiamFCSupport
import SiamFCVideo

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check a sequence folder, a video file or an image file and report every problem found.",
        discussion: """
            For a folder (or its img/ subfolder): frame count, frame size, ground-truth format and \
            line count, then one line per problem: unreadable frames with the reason, frames whose \
            size differs, ground-truth lines that do not parse, more ground-truth lines than frames. \
            For a video file (or a folder holding one video and its ground truth): container, codec, \
            size, display rotation, frame rate, duration and the frame count, counted by decoding, \
            then the problems found while decoding. Every frame is decoded. Exits with status 1 \
            when a problem is found.
            """)

    @Argument(help: "A sequence folder, its img/ subfolder, a video file, or an image file.")
    var path: String

    func run() throws {
        if FileSystem.isDirectory(path), case .video(let file) = (try? MediaSequence(path: path))?.media {
            return try inspectVideo(file, groundTruthOf: path)
        }
        // A file is an image by its name or its magic bytes, else a video.
        if FileSystem.isFile(path), !ImageFormat.frameExtensions.contains(PathName.extension(of: path)),
           ImageFormat.detect(Self.prefix(of: path)) == nil {
            return try inspectVideo(path, groundTruthOf: nil)
        }
        if !FileSystem.isDirectory(path) {
            let decoded = try ImageDecoder().decodeDetailed(file: path)
            print("\(path): \(decoded.format.rawValue) \(decoded.image.width)x\(decoded.image.height) (\(decoded.source))")
            if decoded.warningCount > 0 {
                throw CLIError("\(path): \(decoded.warningCount) decoder warning(s), last: \(decoded.lastWarning ?? "")")
            }
            return
        }
        let report = try SequenceInspection.inspect(path: path)
        let sequence = report.sequence
        let formats = report.formats.keys.sorted { $0.rawValue < $1.rawValue }
            .map { "\($0.rawValue) \(report.formats[$0] ?? 0)" }.joined(separator: ", ")
        print("sequence:     \(sequence.name) (\(path))")
        print("frames:       \(sequence.frames.count) in \(sequence.framesDirectory)" + (formats.isEmpty ? "" : " [\(formats)]"))
        print("frame size:   \(report.frameSize.map(\.description) ?? "unknown (no frame decoded)")")
        if let gt = sequence.groundTruth {
            print("ground truth: \(gt.path), \(gt.format.rawValue), \(gt.lineCount) lines, \(report.framesWithoutBox) without a box")
        } else {
            print("ground truth: none found")
        }
        if report.problems.isEmpty {
            print("problems:     none")
            return
        }
        print("problems:     \(report.problems.count)")
        for problem in report.problems { print("  \(problem)") }
        let count = report.problems.count
        throw CLIError("\(path): \(count) problem\(count == 1 ? "" : "s") found; first: \(report.problems[0])")
    }

    func inspectVideo(_ file: String, groundTruthOf folder: String?) throws {
        let report = try VideoInspection.inspect(path: file)
        let info = report.info
        print("video:        \(file)")
        print("container:    \(info.container)")
        print("codec:        \(info.codec), \(info.pixelFormat)")
        let stored = info.rotation == 0 ? "" : " (stored \(info.codedWidth)x\(info.codedHeight))"
        print("frame size:   \(info.width)x\(info.height)\(stored)")
        print("rotation:     \(info.rotation == 0 ? "none" : "\(info.rotation) degrees clockwise, applied")")
        print("frame rate:   \(info.framesPerSecond.map { String(format: "%.3f frames/s", $0) } ?? "not stated")")
        print("duration:     \(info.duration.map { formatSeconds($0) + " s" } ?? "unknown")")
        var counted = "\(report.decodedFrames + report.unreadableFrames) (counted by decoding)"
        if report.unreadableFrames > 0 { counted += ", \(report.unreadableFrames) could not be decoded" }
        if report.damagedFrames > 0 { counted += ", \(report.damagedFrames) with errors concealed" }
        print("frames:       \(counted)")
        var problems = report.problems
        var count = report.problemCount
        if let folder {
            if let (gtPath, format) = FrameSequence.locateGroundTruth(folder) {
                do {
                    let loaded = try GroundTruth.loadLenient(path: gtPath, format: format)
                    let gt = loaded.groundTruth
                    print("ground truth: \(gt.path), \(gt.format.rawValue), \(gt.lineCount) lines, "
                          + "\(gt.boxes.filter { $0 == nil }.count) without a box")
                    problems += loaded.problems.map(\.description)
                    count += loaded.problems.count
                    let frames = report.decodedFrames + report.unreadableFrames
                    if gt.lineCount > frames {
                        problems.append("\(gt.path): \(gt.lineCount) ground-truth lines for \(frames) frames")
                        count += 1
                    }
                } catch {
                    problems.append("\(error)")
                    count += 1
                }
            } else {
                print("ground truth: none found")
            }
        }
        if problems.isEmpty {
            print("problems:     none")
            return
        }
        print("problems:     \(count)")
        for problem in problems { print("  \(problem)") }
        throw CLIError("\(file): \(count) problem\(count == 1 ? "" : "s") found; first: \(problems[0])")
    }

    /// The first bytes of a file, to tell images (by their magic bytes) from videos.
    static func prefix(of path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return Array(handle.readData(ofLength: 16))
    }
}
