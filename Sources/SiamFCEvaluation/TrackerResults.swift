import SiamFCImageIO
import SiamFCSupport

/// One tracker's results, for comparing trackers: an output folder of `siamfc eval`
/// (`summary.json` and `results/`), whose stored per-sequence curves are used as they are,
/// or a folder of OTB result files from another tool (`<sequence>.txt`, one `x,y,w,h` box per
/// frame, in the folder or its `results/` subfolder), scored against the ground truth.
public struct TrackerResults: Sendable {
    public let name: String
    public let directory: String
    /// The summary of a `siamfc eval` output; nil for another tool's folder.
    public let summary: EvaluationReport?
    /// Where another tool's `<sequence>.txt` files are.
    let boxesDirectory: String

    /// Results already in memory, e.g. a model evaluated in the same run.
    public init(name: String, directory: String, summary: EvaluationReport) {
        self.name = name
        self.directory = directory
        self.summary = summary
        boxesDirectory = directory
    }

    /// Opens a results folder. Its name is the summary's tracker, or else the folder's name
    /// (the parent's when the folder given is a `results/` subfolder).
    public init(directory: String) throws {
        self.directory = directory
        let entries = try FileSystem.contents(of: directory)
        if entries.contains("summary.json") {
            let report = try EvaluationReport.load(directory: directory)
            summary = report
            name = report.tracker
            boxesDirectory = Self.join(directory, "results")
            return
        }
        summary = nil
        let nested = Self.join(directory, "results")
        boxesDirectory = entries.contains("results") && FileSystem.isDirectory(nested) ? nested : directory
        let listed = boxesDirectory == directory ? entries : try FileSystem.contents(of: boxesDirectory)
        guard listed.contains(where: { $0.hasSuffix(".txt") && !$0.hasPrefix(".") }) else {
            throw EvaluationError(path: directory, "no summary.json and no <sequence>.txt result files (here or in results/)")
        }
        let last = Self.lastComponent(directory)
        name = last == "results" ? Self.lastComponent(Self.parent(directory)) : last
    }

    /// Whether the tracker has results for the sequence.
    public func has(_ sequence: String) -> Bool {
        if let summary { return summary.sequences.contains { $0.name == sequence } }
        return FileSystem.isFile(resultFile(sequence))
    }

    /// The sequence's curves: stored ones from a summary, otherwise computed from the result
    /// file against `groundTruth`. A row that does not parse is an error naming the file and
    /// line; a row of zeros or NaN counts as a lost target (box 0,0,0,0); the file must have a
    /// box for every frame up to the last with ground truth.
    public func curves(_ sequence: String, groundTruth: GroundTruth?) throws -> TrackingMetrics.Curves {
        if let summary {
            guard let stored = summary.sequences.first(where: { $0.name == sequence }) else {
                throw EvaluationError(path: Self.join(directory, "summary.json"), "no sequence \(sequence)")
            }
            return stored.curves
        }
        let path = resultFile(sequence)
        guard let groundTruth else {
            throw EvaluationError(path: path, "sequence \(sequence) has no ground truth to score it against")
        }
        let parsed = GroundTruth.parse(String(decoding: try FileBytes.read(path, limit: 256 << 20), as: UTF8.self), path: path)
        if let problem = parsed.problems.first { throw problem }
        let boxes = parsed.boxes.map { $0 ?? BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        if let last = groundTruth.boxes.lastIndex(where: { $0 != nil }), boxes.count <= last {
            throw EvaluationError(path: path, "\(boxes.count) boxes, but \(groundTruth.path) has a box in frame \(last + 1)")
        }
        return TrackingMetrics.curves(predictions: boxes, groundTruth: groundTruth.boxes)
    }

    func resultFile(_ sequence: String) -> String { Self.join(boxesDirectory, sequence + ".txt") }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func parent(_ path: String) -> String {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count > 1 else { return path.hasPrefix("/") ? "/" : "." }
        parts.removeLast()
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
