import SiamFCImageIO
import SiamFCSupport

/// Combines output folders of `siamfc eval` over disjoint sequences into one report, as if
/// one run had evaluated them all. Shards (`--shard i/n`) must be complete, one of each
/// `1/n … n/n` of the same benchmark, and come back in the unsharded run's order, so the
/// merged summary, curves and result files are exactly what that run writes (speeds aside).
/// Folders that are not shards are concatenated in the order given.
public enum EvaluationMerge {
    /// A merged report and the result files it covers, read but not yet written.
    public struct Merged: Sendable {
        public let report: EvaluationReport
        /// `results/<name>.txt` of each sequence, byte for byte, in the report's order.
        public let resultFiles: [(name: String, bytes: [UInt8])]
    }

    public static func merge(_ directories: [String]) throws -> Merged {
        guard !directories.isEmpty else { throw EvaluationError(path: "", "nothing to merge") }
        let inputs = try directories.map { (directory: $0, report: try EvaluationReport.load(directory: $0)) }
        let trackers = Set(inputs.map(\.report.tracker))
        guard trackers.count == 1, let tracker = inputs.first?.report.tracker else {
            throw EvaluationError(path: "", "the folders hold different trackers (\(trackers.sorted().joined(separator: ", "))): merge one tracker's shards")
        }
        var owner: [String: String] = [:]
        for input in inputs {
            for sequence in input.report.sequences {
                if let first = owner[sequence.name] {
                    throw EvaluationError(path: input.directory, "sequence \(sequence.name) is also in \(first)")
                }
                owner[sequence.name] = input.directory
            }
        }
        let ordered = try order(inputs)
        let files = try ordered.map { item in
            let path = resultsPath(item.directory, item.sequence.name)
            guard FileSystem.isFile(path) else {
                throw EvaluationError(path: path, "missing: summary.json lists \(item.sequence.name) but its result file is not there")
            }
            return (name: item.sequence.name, bytes: try FileBytes.read(path, limit: 1 << 30))
        }
        return Merged(report: EvaluationReport(tracker: tracker, sequences: ordered.map(\.sequence)), resultFiles: files)
    }

    /// Writes `DIR/results/`, `DIR/summary.json` and the plots, each file atomically.
    public static func write(_ merged: Merged, to directory: String) throws {
        try FileSystem.createDirectories(directory + "/results")
        for file in merged.resultFiles {
            try AtomicFile.write(file.bytes, to: directory + "/results/\(file.name).txt")
        }
        try merged.report.writeSummary(to: directory)
        try EvaluationReport.writePlots([(merged.report.tracker, merged.report.overall.curves)], to: directory)
    }

    /// Sequences in the unsharded order: shard `i` holds positions `i-1, i-1+n, …`, so they
    /// interleave; folders that are not shards follow one another.
    static func order(_ inputs: [(directory: String, report: EvaluationReport)]) throws
        -> [(directory: String, sequence: SequenceSummary)]
    {
        let shards = inputs.compactMap { input in input.report.shard.map { (input, $0) } }
        if shards.isEmpty {
            return inputs.flatMap { input in input.report.sequences.map { (input.directory, $0) } }
        }
        guard shards.count == inputs.count, let count = shards.first?.1.count,
              let total = shards.first?.0.report.discoveredSequences
        else {
            let plain = inputs.first { $0.report.shard == nil }?.directory ?? ""
            throw EvaluationError(path: plain, "not a shard, but other folders are: merge either shards or whole runs")
        }
        var byIndex: [Int: (directory: String, report: EvaluationReport)] = [:]
        for (input, shard) in shards {
            guard shard.count == count, input.report.discoveredSequences == total else {
                throw EvaluationError(path: input.directory, "shard \(shard) of \(input.report.discoveredSequences ?? 0) sequences does not belong with shards of \(count) over \(total) sequences")
            }
            if let other = byIndex[shard.index] {
                throw EvaluationError(path: input.directory, "shard \(shard) is also \(other.directory)")
            }
            let expected = shard.size(of: total)
            guard input.report.sequences.count == expected else {
                throw EvaluationError(path: input.directory, "shard \(shard) holds \(input.report.sequences.count) sequences, expected \(expected) of \(total)")
            }
            byIndex[shard.index] = input
        }
        if let missing = (1...count).first(where: { byIndex[$0] == nil }) {
            throw EvaluationError(path: "", "shard \(missing)/\(count) is missing")
        }
        return (0..<total).compactMap { k in
            byIndex[k % count + 1].map { input in (input.directory, input.report.sequences[k / count]) }
        }
    }

    static func resultsPath(_ directory: String, _ name: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + "results/\(name).txt"
    }
}
