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
}

import Foundation
