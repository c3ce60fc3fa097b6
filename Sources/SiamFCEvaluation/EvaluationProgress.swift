import Foundation
import SiamFCImageIO
import SiamFCSupport
import SiamFCVideo

/// The finished sequences of an evaluation run, one JSON file each in `OUT/progress/`, written
/// atomically as each sequence ends, so that an interrupted run resumes (`eval --resume`)
/// without tracking them again. Each file records the model and settings it was made with,
/// and a resumed run refuses files made with other ones.
public struct EvaluationProgress: Sendable {
    public let directory: String
    let model: String
    let settings: String

    struct Entry: Codable {
        let model: String
        let settings: String
        let result: SequenceResult
    }

    /// `model` and `settings` identify what made the results (``TrackerModel/source`` and
    /// ``TrackerModel/settings``).
    public init(outputDirectory: String, model: String, settings: String) {
        directory = (outputDirectory.hasSuffix("/") ? String(outputDirectory.dropLast()) : outputDirectory) + "/progress"
        self.model = model
        self.settings = settings
    }

    func path(_ name: String) -> String { directory + "/\(name).json" }

    public func save(_ result: SequenceResult) throws {
        try FileSystem.createDirectories(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(Entry(model: model, settings: settings, result: result))), to: path(result.name))
    }

    /// The saved result of `sequence`, or nil when it has none. A file that does not parse, was
    /// made with another model or settings, or whose boxes do not match the sequence's frames
    /// is an error that names it.
    public func load(_ sequence: MediaSequence) throws -> SequenceResult? {
        let file = path(sequence.name)
        guard FileSystem.isFile(file) else { return nil }
        let entry: Entry
        do {
            entry = try JSONDecoder().decode(Entry.self, from: Data(try FileBytes.read(file)))
        } catch let error as FileError {
            throw error
        } catch {
            throw EvaluationError(path: file, "not a saved sequence result (unreadable JSON)")
        }
        guard entry.model == model, entry.settings == settings else {
            throw EvaluationError(path: file, "made with \(entry.model) (\(entry.settings)), not \(model) (\(settings)): "
                + "resume with the same --model and --scales, or start again without --resume")
        }
        // A video's frame count is known only by decoding it: its ground truth bounds it from below.
        let frames = sequence.frameCount
        guard entry.result.name == sequence.name, frames.map({ entry.result.boxes.count == $0 }) ?? true,
              entry.result.boxes.count >= (sequence.groundTruth?.lineCount ?? 0),
              entry.result.seconds.isFinite, entry.result.seconds >= 0, entry.result.skippedFrames >= 0 else {
            throw EvaluationError(path: file, "does not match the sequence \(sequence.name) (\(frames.map { "\($0) frames" } ?? "a video"))")
        }
        return entry.result
    }

    /// Removes the saved results (after the report is written, or before a fresh run).
    public func clear() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
