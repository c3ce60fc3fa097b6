import Dispatch
import Testing
@testable import SiamFCSupport

@Suite struct ConcurrencyTests {
    @Test func lockSerialisesUpdatesFromManyThreads() {
        final class Counter: @unchecked Sendable {
            let lock = Lock()
            var value = 0
        }
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { counter.lock.withLock { counter.value += 1 } }
        }
        #expect(counter.value == 80_000)
    }

    @Test func waitReturnsOnceAnotherThreadMakesTheConditionTrue() {
        final class Handoff: @unchecked Sendable {
            let lock = Lock()
            var value: Int?
        }
        let handoff = Handoff()
        let thread = Thread { handoff.lock.withLockBroadcasting { handoff.value = 42 } }
        thread.start()
        let received = handoff.lock.wait(until: { handoff.value != nil }) { handoff.value }
        #expect(received == 42)
    }

    @Test func concurrentMapKeepsOrderAndComputesEachItemOnce() {
        let input = Array(0..<1000)
        #expect(input.concurrentMap { $0 * $0 } == input.map { $0 * $0 })
    }

    @Test func parallelChunksCoverTheRangeExactlyOnce() {
        final class Marks: @unchecked Sendable {
            var marks = [Int](repeating: 0, count: 100_000)
        }
        let marks = Marks()
        marks.marks.withUnsafeMutableBufferPointer { buffer in
            let shared = UncheckedSendable(buffer)
            Parallel.forEachChunk(buffer.count) { range in
                for i in range { shared.value[i] += 1 }
            }
        }
        #expect(marks.marks.allSatisfy { $0 == 1 })
        #expect(Parallel.chunkCount(10) == 1)
    }

    /// Loops share one team: loops started on several threads at once, and loops inside loops,
    /// run on their callers when the helpers are busy, and each still covers its range once.
    @Test func parallelLoopsFromManyThreadsAndNestedCoverTheirRangesOnce() {
        final class Counts: @unchecked Sendable {
            let lock = Lock()
            var sums: [Int] = []
        }
        let counts = Counts()
        DispatchQueue.concurrentPerform(iterations: 6) { lane in
            for round in 0..<50 {
                let n = 40_000 + 97 * lane + round
                var marks = [Int](repeating: 0, count: n)
                marks.withUnsafeMutableBufferPointer { buffer in
                    let shared = UncheckedSendable(buffer)
                    Parallel.forEachChunk(n) { outer in
                        // A loop inside a chunk of another.
                        Parallel.forEachChunk(outer.count) { inner in
                            for i in inner { shared.value[outer.lowerBound + i] += 1 }
                        }
                    }
                }
                let total = marks.reduce(0, +)
                counts.lock.withLock { counts.sums.append(total == n && marks.allSatisfy { $0 == 1 } ? 1 : 0) }
            }
        }
        #expect(counts.sums.count == 300 && counts.sums.allSatisfy { $0 == 1 })
    }

    /// A task's chunks start only after every chunk of its predecessors has finished, and the
    /// failure kept is that of the lowest task.
    @Test func taskGraphRunsRespectDependenciesAndKeepTheFirstFailure() {
        struct Failed: Error, Equatable { let task: Int }
        final class Log: @unchecked Sendable {
            let lock = Lock()
            var events: [(task: Int, start: Bool)] = []
        }
        for _ in 0..<100 {
            let log = Log()
            // 0 -> 1 -> 3, 0 -> 2 -> 3.
            let graph = TaskGraph(chunks: [2, 3, 2, 2], predecessors: [[], [0], [0], [1, 2]])
            let run = TaskGraphRun<Failed>(graph: graph) { task, _, _ in
                log.lock.withLock { log.events.append((task, true)) }
                usleep(20)
                log.lock.withLock { log.events.append((task, false)) }
                return nil
            }
            #expect(run.run() == nil)
            func firstStart(_ task: Int) -> Int { log.events.firstIndex { $0.task == task && $0.start } ?? -1 }
            func lastEnd(_ task: Int) -> Int { log.events.lastIndex { $0.task == task && !$0.start } ?? Int.max }
            #expect(log.events.count == 2 * 9)
            #expect(firstStart(1) > lastEnd(0) && firstStart(2) > lastEnd(0))
            #expect(firstStart(3) > lastEnd(1) && firstStart(3) > lastEnd(2))
        }
        let failing = TaskGraphRun<Failed>(graph: TaskGraph(chunks: [2, 2, 2], predecessors: [[], [], []])) { task, _, _ in
            task == 0 ? nil : Failed(task: task)
        }
        let failure = failing.run()
        #expect(failure?.task == 1 && failure?.error == Failed(task: 1))
    }
}


import Foundation
