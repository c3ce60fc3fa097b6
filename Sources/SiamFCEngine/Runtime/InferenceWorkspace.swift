import SiamFCSupport

/// The buffers of one run of a schedule: an arena holding every computed value, the address of
/// every slot, and scratch for each worker. Used by one run at a time.
final class InferenceWorkspace: @unchecked Sendable {
    let arena: ScratchBuffer
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    let scratch: [ScratchBuffer]
    private let slotCount: Int

    init(schedule: InferenceSchedule) {
        arena = ScratchBuffer(count: schedule.arenaCount)
        slotCount = schedule.program.slotCount
        pointers = .allocate(capacity: max(slotCount, 1))
        pointers.initialize(repeating: arena.pointer, count: max(slotCount, 1))
        for (slot, value) in schedule.program.constants { pointers[slot] = value.storage.pointer }
        for slot in 0..<slotCount {
            let r = schedule.root[slot]
            if let offset = schedule.offsets[r] { pointers[slot] = arena.pointer + offset }
            else if let value = schedule.program.constants[r] { pointers[slot] = value.storage.pointer }
        }
        scratch = (0...WorkerTeam.shared.helperCount).map { _ in ScratchBuffer(count: schedule.scratchCount) }
    }

    deinit { pointers.deallocate() }
}
