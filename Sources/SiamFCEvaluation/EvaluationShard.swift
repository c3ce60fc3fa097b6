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
