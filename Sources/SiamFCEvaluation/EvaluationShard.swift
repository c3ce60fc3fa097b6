/// One of `count` parts of a benchmark, so that its sequences can be evaluated on several
/// machines and merged afterwards. Shard `index` (1-based) takes the sequences at positions
/// `k` (0-based, in discovery order) with `k % count == index - 1`: a round-robin split, so
/// shards get about the same number of sequences and a merge can restore the order.
public struct EvaluationShard: Sendable, Codable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Nil unless `1 <= index <= count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `i/n`, e.g. `2/4`: digits only, `1 <= i <= n`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let index = Int(parts[0]), let count = Int(parts[1])
        else { return nil }
        self.init(index: index, count: count)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let index = try container.decode(Int.self, forKey: .index), count = try container.decode(Int.self, forKey: .count)
        guard let shard = EvaluationShard(index: index, count: count) else {
            throw DecodingError.dataCorruptedError(forKey: .index, in: container, debugDescription: "shard \(index)/\(count) is not 1 ≤ i ≤ n")
        }
        self = shard
    }

    /// The items of this shard, in their order.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    /// How many of `total` items this shard takes.
    public func size(of total: Int) -> Int {
        total >= index ? (total - index) / count + 1 : 0
    }

    public var description: String { "\(index)/\(count)" }
}

extension EvaluationShard {
    /// The environment variables ``fromEnvironment(_:count:)`` reads.
    public static let environmentVariables = ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                                              "JOB_COMPLETION_INDEX"]

    /// The shard of this job in a Slurm job array or a Kubernetes Indexed Job (`--shard auto`).
    ///
    /// Slurm: `SLURM_ARRAY_TASK_ID` relative to `SLURM_ARRAY_TASK_MIN` (so `--array=0-3` and
    /// `--array=1-4` both work) out of `SLURM_ARRAY_TASK_COUNT`; `count` must agree when given.
    /// Kubernetes: `JOB_COMPLETION_INDEX` (0-based) out of `count`, which the Job's
    /// `completions` sets, since Kubernetes does not export it. Errors say what is missing.
    public static func fromEnvironment(_ environment: [String: String], count: Int?) throws -> EvaluationShard {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
                throw EvaluationError(path: "", "--shard auto: \(name)=\"\(text)\" is not a non-negative integer")
            }
            return value
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            guard let total = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw EvaluationError(path: "", "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
            }
            let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            if let count, count != total {
                throw EvaluationError(path: "", "--shard auto: --shard-count \(count) disagrees with SLURM_ARRAY_TASK_COUNT=\(total)")
            }
            guard task >= minimum, let shard = EvaluationShard(index: task - minimum + 1, count: total) else {
                throw EvaluationError(path: "", "--shard auto: SLURM_ARRAY_TASK_ID=\(task) is not within \(total) tasks from "
                    + "SLURM_ARRAY_TASK_MIN=\(minimum) (use a contiguous --array range without a step)")
            }
            return shard
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw EvaluationError(path: "", "--shard auto: JOB_COMPLETION_INDEX is set; give the number of shards "
                    + "(the Job's completions) with --shard-count N")
            }
            guard let shard = EvaluationShard(index: index + 1, count: count) else {
                throw EvaluationError(path: "", "--shard auto: JOB_COMPLETION_INDEX=\(index) is not below --shard-count \(count)")
            }
            return shard
        }
        throw EvaluationError(path: "", "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor "
            + "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; use --shard i/n")
    }
}

import Foundation
