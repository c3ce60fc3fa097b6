import Testing
@testable import SiamFCEvaluation

@Suite struct EvaluationShardTests {
    @Test func parsesOnlyIOverNWithIWithinRange() {
        #expect(EvaluationShard("2/4") == EvaluationShard(index: 2, count: 4))
        #expect(EvaluationShard("1/1")?.description == "1/1")
        for bad in ["", "2", "2/", "/4", "0/4", "5/4", "2/0", "-1/4", "+2/4", " 2/4", "2/4/1", "a/b", "2.0/4", "2/99999999999999999999"] {
            #expect(EvaluationShard(bad) == nil, "\(bad)")
        }
        #expect(EvaluationShard(index: 3, count: 2) == nil)
    }

    @Test func shardsPartitionTheItemsRoundRobin() throws {
        let items = Array(0..<10)
        let shards = try (1...4).map { try #require(EvaluationShard(index: $0, count: 4)) }
        #expect(shards[0].select(items) == [0, 4, 8])
        #expect(shards[1].select(items) == [1, 5, 9])
        #expect(shards[3].select(items) == [3, 7])
        #expect(shards.flatMap { $0.select(items) }.sorted() == items)
        #expect(shards.map { $0.size(of: 10) } == shards.map { $0.select(items).count })
        // More shards than items: the last ones are empty.
        #expect(shards.map { $0.size(of: 2) } == [1, 1, 0, 0])
        #expect(shards[2].select([7, 8]).isEmpty)
    }
}
