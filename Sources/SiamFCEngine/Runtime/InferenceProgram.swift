import SiamFCSupport

/// A graph of ``InferenceStep``s compiled for fast repeated inference.
///
/// For each new combination of input shapes the program is planned once (``InferenceSchedule``):
/// every step gets a kernel that writes into a buffer planned for it, element-wise steps are
/// fused into the step before them, a residual Add into the pointwise convolution before it,
/// views cost nothing, and each step's work is cut into fixed chunks that the calling thread and
/// the helpers of ``WorkerTeam`` share. Buffers live in workspaces that are reused run after
/// run; concurrent runs each take their own. Runs are bit-for-bit repeatable.
public final class InferenceProgram: @unchecked Sendable {
    let steps: [InferenceStep]
    let slotCount: Int
    let constants: [Int: Tensor]
    let inputSlots: [Int]
    let outputSlots: [Int]
    /// Guards `schedules`.
    private let lock = Lock()
    private var schedules: [[[Int]]: InferenceSchedule] = [:]

    /// Schedules kept, one per combination of input shapes; beyond this the oldest is dropped.
    static let scheduleLimit = 8

    /// `steps` in an order where every slot is written before it is read; `constants` holds
    /// the value of every constant slot.
    public init(steps: [InferenceStep], slotCount: Int, constants: [Int: Tensor], inputs: [Int], outputs: [Int]) {
        self.steps = steps
        self.slotCount = slotCount
        self.constants = constants
        self.inputSlots = inputs
        self.outputSlots = outputs
    }

    /// How one run went, step by step (``run(_:shapes:timed:)`` with `timed`).
    public struct StepTiming: Sendable {
        /// The program steps computed together, the first being the main one (`[conv, add]`).
        public let steps: [Int]
        public let seconds: Double
    }

    /// Runs the program on `inputs` (one per input slot, in order); returns the output slots'
    /// values in order. `shapes` gives the shape of every slot for these input shapes (nil
    /// where unknown); it is called only the first time they are seen, and what it throws is
    /// rethrown. A step that fails throws an `EngineError` naming it. With `timed`, steps run
    /// one after the other and each is timed.
    public func run(_ inputs: [Tensor], timed: Bool = false,
                    shapes: () throws -> [[Int]?]) throws -> (outputs: [Tensor], timings: [StepTiming]) {
        precondition(inputs.count == inputSlots.count, "InferenceProgram.run: \(inputs.count) inputs for \(inputSlots.count)")
        let key = inputs.map(\.shape)
        let schedule: InferenceSchedule
        if let known = lock.withLock({ schedules[key] }) {
            schedule = known
        } else {
            let made = try InferenceSchedule(program: self, shapes: try shapes())
            schedule = lock.withLock {
                if let raced = schedules[key] { return raced }
                if schedules.count >= Self.scheduleLimit, let any = schedules.keys.first { schedules[any] = nil }
                schedules[key] = made
                return made
            }
        }
        return try schedule.run(inputs, timed: timed)
    }

    /// The program steps of each planned step, in planned order (`[[0], [1, 2]]`: step 2 fused
    /// into step 1), for input shapes already run.
    public func plannedSteps(for inputShapes: [[Int]]) -> [[Int]]? {
        lock.withLock { schedules[inputShapes] }?.nodes.map(\.steps)
    }
}
