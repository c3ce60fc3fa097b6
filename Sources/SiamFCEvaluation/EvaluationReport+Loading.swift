import Foundation
import SiamFCImageIO
import SiamFCSupport

extension EvaluationReport {
    /// Reads `DIR/summary.json` as `siamfc eval` writes it. The file is input like any other:
    /// anything that does not decode, curves of the wrong length or out of range, duplicate or
    /// unsafe sequence names (they become file names) give an ``EvaluationError`` naming the file.
    public static func load(directory: String) throws -> EvaluationReport {
        let path = directory.hasSuffix("/") ? directory + "summary.json" : directory + "/summary.json"
        let bytes = try FileBytes.read(path, limit: 256 << 20)
        let report: EvaluationReport
        do {
            report = try JSONDecoder().decode(EvaluationReport.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw EvaluationError(path: path, "not a siamfc eval summary (\(describe(error)))")
        } catch {
            throw EvaluationError(path: path, "not a siamfc eval summary (invalid JSON)")
        }
        try report.validate(path: path)
        return report
    }

    func validate(path: String) throws {
        var seen = Set<String>()
        for sequence in sequences {
            let name = sequence.name
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
                throw EvaluationError(path: path, "sequence name \"\(name)\" cannot be a file name")
            }
            guard seen.insert(name).inserted else { throw EvaluationError(path: path, "sequence \(name) appears twice") }
        }
        for sequence in sequences + [overall] {
            let c = sequence.curves
            let lengths = (c.success.count, c.precision.count, c.normalizedPrecision.count)
            guard lengths == (TrackingMetrics.overlapThresholds.count, TrackingMetrics.errorThresholds.count,
                              TrackingMetrics.normalizedThresholds.count)
            else { throw EvaluationError(path: path, "\(sequence.name): curves of the wrong length") }
            guard (c.success + c.precision + c.normalizedPrecision).allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
                throw EvaluationError(path: path, "\(sequence.name): curve values outside 0...1")
            }
            // Bounded so that totals over sequences cannot overflow.
            guard (0...1_000_000_000).contains(sequence.frames), (0...1_000_000_000).contains(c.frames),
                  sequence.framesPerSecond.isFinite, sequence.framesPerSecond >= 0,
                  sequence.seconds.map({ $0.isFinite && $0 >= 0 }) ?? true
            else { throw EvaluationError(path: path, "\(sequence.name): frame count or time out of range") }
        }
        if shard != nil, discoveredSequences == nil {
            throw EvaluationError(path: path, "a shard without discoveredSequences")
        }
        if let total = discoveredSequences, total < 0 || total > 100_000_000 {
            throw EvaluationError(path: path, "discoveredSequences \(total) is out of range")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(at(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong value\(at(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "invalid JSON" : "invalid value\(at(context.codingPath))"
        @unknown default: return "invalid"
        }
    }
}
