import CConcurrency

/// Tasks with dependencies, each cut into a fixed number of chunks: the shape of one planned
/// inference (steps, their successors, how many independent pieces each step's output is
/// computed in).
package struct TaskGraph: Sendable {
    /// Chunks of each task (at least 1).
    package let chunks: [Int]
    let successors: [[Int]]
    /// Unfinished predecessors of each task at the start.
    let dependencyCounts: [Int]

    package init(chunks: [Int], predecessors: [[Int]]) {
        precondition(chunks.count == predecessors.count && chunks.allSatisfy { $0 >= 1 }, "TaskGraph: bad chunk counts")
        var successors = [[Int]](repeating: [], count: chunks.count)
        var counts = [Int](repeating: 0, count: chunks.count)
        for (task, before) in predecessors.enumerated() {
            for p in Set(before) {
                precondition(p < task, "TaskGraph: task \(task) depends on a later task \(p)")
                successors[p].append(task)
                counts[task] += 1
            }
        }
        self.chunks = chunks
        self.successors = successors.map { $0.sorted() }
        self.dependencyCounts = counts
    }
}

/// One execution of a ``TaskGraph``: the caller and any helpers of ``WorkerTeam`` claim ready
/// chunks until every task is done.
///
/// Which thread computes which chunk varies from run to run; what a chunk computes does not,
/// so results are bit-for-bit repeatable. A thread with nothing to claim spins briefly (the
/// other core usually finishes its chunk within microseconds) and then sleeps. A failing
/// chunk stops the run: the failure of the lowest task is kept and the remaining tasks are
/// skipped.
package final class TaskGraphRun<Failure: Error>: TeamRun, @unchecked Sendable {
    package typealias Body = (_ task: Int, _ chunk: Int, _ worker: Int) -> Failure?

    private let graph: TaskGraph
    /// Dropped when the run is over: a helper may still hold the run for a moment, but must not
    /// keep the body's captures alive (``Parallel`` hands in a closure that may not escape).
    private var body: Body?
    /// Guards everything below.
    private let lock = Lock()
    private var pending: [Int]
    private var nextChunk: [Int]
    private var doneChunks: [Int]
    /// Tasks whose predecessors are done, in the order they became ready; `head` is the first
    /// that may still have chunks to claim.
    private var ready: [Int] = []
    private var head = 0
    private var remaining: Int
    private var failure: (task: Int, error: Failure)?
    /// Completion time of each task (`monotonicSeconds`), when timing was asked for.
    package private(set) var finishTimes: [Double]?
    /// Bumped (atomically, holding the lock) whenever tasks become ready or the run ends, so
    /// that waiting threads can poll without taking the lock (which would contend with the
    /// threads doing the work).
    private let progress: UnsafeMutablePointer<Int>

    /// Polls of the progress counter (a pause each, 10–40 ns) before a waiting thread sleeps.
    /// Short on purpose: on a shared machine a thread that spins long uses up its share of the
    /// CPU and is then preempted in the middle of a run (measured: NanoTrack's update is up to
    /// 1.5x slower under load with 20,000 polls than with 2,000).
    static var waitSpins: Int { 2_000 }

    package init(graph: TaskGraph, timed: Bool = false, body: @escaping Body) {
        self.graph = graph
        self.body = body
        pending = graph.dependencyCounts
        nextChunk = [Int](repeating: 0, count: graph.chunks.count)
        doneChunks = nextChunk
        remaining = graph.chunks.count
        finishTimes = timed ? [Double](repeating: 0, count: graph.chunks.count) : nil
        for task in pending.indices where pending[task] == 0 { ready.append(task) }
        progress = .allocate(capacity: 1)
        progress.initialize(to: 0)
    }

    deinit { progress.deallocate() }

    /// Runs the graph on the calling thread (worker 0) and the helpers that join; returns when
    /// every task is done, with the first failure (by task order) if any.
    package func run(team: WorkerTeam = .shared) -> (task: Int, error: Failure)? {
        let parallelChunks = graph.chunks.reduce(0) { $0 + ($1 > 1 ? $1 : 0) }
        if parallelChunks > 0 { team.offer(self, helpers: team.helperCount) }
        participate(worker: 0)
        team.withdraw(self)
        // Every chunk is done (participate returned), so no thread calls the body again.
        return lock.withLock {
            body = nil
            return failure
        }
    }

    /// Claims and computes chunks until the run is over.
    package func participate(worker: Int) {
        while let (task, chunk) = claim() {
            let error = compute(task, chunk, worker)
            complete(task, error: error)
        }
    }

    /// One chunk. Its own function so that no reference to the body outlives the call: once
    /// `complete` has counted the last chunk the caller of `run` may drop the body.
    @inline(never)
    private func compute(_ task: Int, _ chunk: Int, _ worker: Int) -> Failure? {
        guard let body else { preconditionFailure("TaskGraphRun: a chunk claimed after the run") }
        return body(task, chunk, worker)
    }

    /// The next chunk to compute, waiting while others compute the predecessors; nil when the
    /// run is over.
    private func claim() -> (Int, Int)? {
        var spins = 0
        while true {
            var result: (Int, Int)?
            var over = false
            let seen = sfc_atomic_load(progress)
            lock.withLock {
                if remaining == 0 { over = true; return }
                while head < ready.count {
                    let task = ready[head]
                    if nextChunk[task] < graph.chunks[task] {
                        result = (task, nextChunk[task])
                        nextChunk[task] += 1
                        if nextChunk[task] == graph.chunks[task] { head += 1 }
                        return
                    }
                    head += 1
                }
            }
            if over { return nil }
            if let result { return result }
            while sfc_atomic_load(progress) == seen && spins < Self.waitSpins {
                spins += 1
                sfc_cpu_relax()
            }
            if spins >= Self.waitSpins {
                lock.wait(until: { remaining == 0 || head < ready.count }, then: {})
                spins = 0
            }
        }
    }

    private func complete(_ task: Int, error: Failure?) {
        let time = finishTimes == nil ? 0 : monotonicSeconds()
        lock.withLockBroadcasting {
            if let error, failure.map({ task < $0.task }) ?? true { failure = (task, error) }
            doneChunks[task] += 1
            guard doneChunks[task] == graph.chunks[task] else { return }
            finishTimes?[task] = time
            remaining -= 1
            if failure != nil {
                // Skip what is left: every task not started counts as done.
                for t in 0..<graph.chunks.count where nextChunk[t] == 0 && pending[t] >= 0 {
                    pending[t] = -1
                    nextChunk[t] = graph.chunks[t]
                    doneChunks[t] = graph.chunks[t]
                    remaining -= 1
                }
                sfc_atomic_increment(progress)
                return
            }
            for next in graph.successors[task] {
                pending[next] -= 1
                if pending[next] == 0 { ready.append(next) }
            }
            sfc_atomic_increment(progress)
        }
    }
}
