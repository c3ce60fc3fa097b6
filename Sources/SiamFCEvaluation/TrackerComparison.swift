import Foundation
import SiamFCImageIO
import SiamFCSupport

/// Several trackers scored on the same sequences: those every one of them has results for.
public struct TrackerComparison: Sendable, Codable, Equatable {
    /// One tracker's figures over the compared sequences (curves averaged over sequences).
    public struct Entry: Sendable, Codable, Equatable {
        public let name: String
        /// The results folder it came from.
        public let source: String
        public let successScore: Double
        public let precisionScore: Double
        public let normalizedPrecisionScore: Double
        public let curves: TrackingMetrics.Curves
        /// Per sequence, in the order of ``TrackerComparison/sequences``.
        public let sequenceCurves: [TrackingMetrics.Curves]
    }

    /// A sequence left out because some trackers have no results for it.
    public struct Skipped: Sendable, Codable, Equatable {
        public let name: String
        public let missingFrom: [String]
    }

    /// The compared sequences, in order.
    public let sequences: [String]
    public let skipped: [Skipped]
    /// In the order given.
    public let trackers: [Entry]

    /// Scores `trackers` on the sequences they all have. With `sequences` (name and ground
    /// truth, from the sequence folders), those are the candidates, in their order, and result
    /// files without a summary are scored against that ground truth; without, every tracker
    /// must be a `siamfc eval` output and the candidates are the sequences of their summaries.
    /// Trackers with the same name get their folder's name added.
    public static func compare(_ trackers: [TrackerResults], sequences: [(name: String, groundTruth: GroundTruth?)]?) throws
        -> TrackerComparison
    {
        guard !trackers.isEmpty else { throw EvaluationError(path: "", "no trackers to compare") }
        let candidates: [(name: String, groundTruth: GroundTruth?)]
        if let sequences {
            var seen: [String: Int] = [:]
            for sequence in sequences { seen[sequence.name, default: 0] += 1 }
            if let twice = sequences.first(where: { (seen[$0.name] ?? 0) > 1 }) {
                throw EvaluationError(path: "", "two sequence folders are named \(twice.name): their results cannot be told apart")
            }
            candidates = sequences
        } else {
            if let foreign = trackers.first(where: { $0.summary == nil }) {
                throw EvaluationError(path: foreign.directory, "no summary.json: give the sequence folders to score these results against")
            }
            var names: [String] = [], seen = Set<String>()
            for tracker in trackers {
                for sequence in tracker.summary?.sequences ?? [] where seen.insert(sequence.name).inserted {
                    names.append(sequence.name)
                }
            }
            candidates = names.map { ($0, nil) }
        }
        let names = uniqueNames(trackers)
        var compared: [(name: String, groundTruth: GroundTruth?)] = [], skipped: [Skipped] = []
        for candidate in candidates {
            let missing = trackers.indices.filter { !trackers[$0].has(candidate.name) }.map { names[$0] }
            if missing.isEmpty { compared.append(candidate) } else { skipped.append(Skipped(name: candidate.name, missingFrom: missing)) }
        }
        guard !compared.isEmpty else {
            throw EvaluationError(path: "", "no sequence has results from every tracker (\(names.joined(separator: ", ")))")
        }
        let entries = try trackers.indices.map { i in
            let curves = try compared.map { try trackers[i].curves($0.name, groundTruth: $0.groundTruth) }
            let overall = TrackingMetrics.average(curves)
            return Entry(name: names[i], source: trackers[i].directory, successScore: overall.successScore,
                         precisionScore: overall.precisionScore, normalizedPrecisionScore: overall.normalizedPrecisionScore,
                         curves: overall, sequenceCurves: curves)
        }
        return TrackerComparison(sequences: compared.map(\.name), skipped: skipped, trackers: entries)
    }

    /// Names made distinct: a repeated name gets its folder's name in parentheses, then a number.
    static func uniqueNames(_ trackers: [TrackerResults]) -> [String] {
        let counts = Dictionary(trackers.map { ($0.name, 1) }, uniquingKeysWith: +)
        var names = trackers.map { tracker in
            (counts[tracker.name] ?? 0) > 1 ? "\(tracker.name) (\(TrackerResults.lastComponent(tracker.directory)))" : tracker.name
        }
        var used: [String: Int] = [:]
        for i in names.indices {
            used[names[i], default: 0] += 1
            if let n = used[names[i]], n > 1 { names[i] += " #\(n)" }
        }
        return names
    }

    /// A fixed-width table: sequences compared, AUC, precision at 20 px and normalised
    /// precision per tracker, in the order given.
    public var table: String {
        var lines = ["tracker                 sequences    AUC  prec@20  norm.prec"]
        for entry in trackers {
            let name = entry.name.count > 22 ? String(entry.name.prefix(22)) : entry.name.padding(toLength: 22, withPad: " ", startingAt: 0)
            lines.append(name + String(format: "  %9d  %.3f    %.3f      %.3f", sequences.count, entry.successScore,
                                       entry.precisionScore, entry.normalizedPrecisionScore))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `DIR/comparison.json` and the success and precision plots of every tracker.
    public func write(to directory: String) throws {
        try FileSystem.createDirectories(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(self)), to: directory + "/comparison.json")
        try EvaluationReport.writePlots(trackers.map { ($0.name, $0.curves) }, to: directory)
    }
}
