import ArgumentParser
import SiamFCImageIO
import SiamFCSupport

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check a sequence folder (or one image file) and report every problem found.",
        discussion: """
            For a folder (or its img/ subfolder): frame count, frame size, ground-truth format and \
            line count, then one line per problem: unreadable frames with the reason, frames whose \
            size differs, ground-truth lines that do not parse, more ground-truth lines than frames. \
            Every frame is decoded. Exits with status 1 when a problem is found.
            """)

    @Argument(help: "A sequence folder, its img/ subfolder, or an image file.")
    var path: String

    func run() throws {
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
}
