import CKernels
import SiamFCSupport

/// One step of a schedule: the program steps it computes (the first is the main one, the others
/// were fused into it), its kernel, and the chunks its work is cut into.
struct ScheduleNode {
    var steps: [Int]
    var kernel: PlannedKernel
    /// Root slot written.
    var output: Int
    /// Further root slots written (a pooling fused into a depthwise convolution).
    var extraOutputs: [Int] = []
    /// Root slots read.
    var reads: [Int]
    /// Applied to each contiguous range the kernel writes (or to the whole output of a
    /// single-chunk step).
    var post: ElementwiseOperation?
    var chunks = 1
}

/// An ``InferenceProgram`` planned for one combination of input shapes: kernels chosen, fusions
/// made, chunks counted, and every computed value given a fixed place in a workspace.
///
/// A buffer is reused by a later step only when every reader of its previous value is already
/// finished whenever that step starts (its ancestors in the step graph), so steps on parallel
/// branches never share memory and need no extra ordering.
final class InferenceSchedule: @unchecked Sendable {
    // Unowned: the program owns its schedules, and a strong reference back would leak both.
    unowned let program: InferenceProgram
    let shapes: [[Int]]
    /// The slot whose buffer holds each slot's values (views share their input's).
    let root: [Int]
    let nodes: [ScheduleNode]
    /// The nodes of each task of `graph`, run in order.
    let tasks: [[Int]]
    let graph: TaskGraph
    /// The same steps one after the other, for timing.
    let serialGraph: TaskGraph
    /// Arena offset of each computed root slot.
    let offsets: [Int: Int]
    let arenaCount: Int
    let scratchCount: Int
    /// Idle workspaces, guarded by `lock`.
    private let lock = Lock()
    private var idle: [InferenceWorkspace] = []
    static let idleLimit = 4

    /// Work, in multiply-adds or element operations, below which a chunk is not worth its
    /// claiming, and the most chunks one step is cut into.
    static let chunkWork = 48_000
    static let maxChunks = 16

    init(program: InferenceProgram, shapes given: [[Int]?]) throws(EngineError) {
        self.program = program
        let steps = program.steps
        var shapes = [[Int]](repeating: [], count: program.slotCount)
        for slot in 0..<program.slotCount {
            if let shape = slot < given.count ? given[slot] : nil { shapes[slot] = shape }
            else if let constant = program.constants[slot] { shapes[slot] = constant.shape }
        }
        for step in steps where step.output >= given.count || given[step.output] == nil {
            throw EngineError("\(step.label): output shape unknown when planning")
        }
        self.shapes = shapes
        func count(_ slot: Int) -> Int { shapes[slot].reduce(1, *) }

        var root = Array(0..<program.slotCount)
        var nodes: [ScheduleNode] = []
        for (index, step) in steps.enumerated() {
            if case .view = step.operation, let x = step.inputs.first ?? nil, count(x) == count(step.output) {
                root[step.output] = root[x]
                continue
            }
            let inputs = step.inputs.map { $0.map { root[$0] } }
            let kernel = Self.kernel(step, index: index, inputs: inputs, shapes: step.inputs.map { $0.map { shapes[$0] } },
                                     output: shapes[step.output])
            nodes.append(ScheduleNode(steps: [index], kernel: kernel, output: step.output,
                                      reads: inputs.compactMap { $0 }))
        }
        let outputRoots = Set(program.outputSlots.map { root[$0] })
        Self.fuse(&nodes, outputRoots: outputRoots)
        for i in nodes.indices { nodes[i].chunks = Self.chunkCount(nodes[i].kernel, outputCount: count(nodes[i].output)) }

        // Dependencies.
        var producer: [Int: Int] = [:]
        for (i, node) in nodes.enumerated() { for slot in [node.output] + node.extraOutputs { producer[slot] = i } }
        let predecessors = nodes.map { node in node.reads.compactMap { producer[$0] } }
        var ancestors = [Set<Int>](repeating: [], count: nodes.count)
        for i in nodes.indices { for p in predecessors[i] { ancestors[i].formUnion(ancestors[p]); ancestors[i].insert(p) } }

        // Tasks: consecutive single-chunk steps whose other inputs are ready before the first of
        // them runs one after the other on one thread, without a hand-over between them.
        var tasks: [[Int]] = []
        for i in nodes.indices {
            if let last = tasks.last, let first = last.first, nodes[i].chunks == 1, last.allSatisfy({ nodes[$0].chunks == 1 }),
               predecessors[i].allSatisfy({ $0 >= first || ancestors[first].contains($0) }) {
                tasks[tasks.count - 1].append(i)
            } else {
                tasks.append([i])
            }
        }
        var taskOf = [Int](repeating: 0, count: nodes.count)
        for (t, members) in tasks.enumerated() { for i in members { taskOf[i] = t } }
        self.tasks = tasks
        graph = TaskGraph(chunks: tasks.map { $0.count == 1 ? nodes[$0[0]].chunks : 1 },
                          predecessors: tasks.enumerated().map { t, members in
                              members.flatMap { predecessors[$0].map { taskOf[$0] } }.filter { $0 != t }
                          })
        serialGraph = TaskGraph(chunks: nodes.map(\.chunks),
                                predecessors: predecessors.enumerated().map { i, p in i > 0 ? p + [i - 1] : p })

        // Buffers: a region is taken over only when its value's producer and readers are all
        // ancestors of the new producer.
        var readers: [Int: [Int]] = [:]
        for (i, node) in nodes.enumerated() { for r in node.reads { readers[r, default: []].append(i) } }
        var regions: [(offset: Int, size: Int, occupant: Int)] = []
        var offsets: [Int: Int] = [:]
        var arena = 0
        for (i, node) in nodes.enumerated() {
            for written in [node.output] + node.extraOutputs {
                let size = (count(written) + 15) / 16 * 16
                var best: Int?
                for (r, region) in regions.enumerated() where region.size >= size && (best.map { region.size < regions[$0].size } ?? true) {
                    let occupant = region.occupant
                    guard !outputRoots.contains(occupant), let p = producer[occupant], ancestors[i].contains(p),
                          (readers[occupant] ?? []).allSatisfy({ ancestors[i].contains($0) }) else { continue }
                    best = r
                }
                if let best {
                    regions[best].occupant = written
                    offsets[written] = regions[best].offset
                } else {
                    regions.append((arena, size, written))
                    offsets[written] = arena
                    arena += size
                }
            }
        }
        self.root = root
        self.nodes = nodes
        self.offsets = offsets
        arenaCount = arena
        scratchCount = nodes.map(\.kernel.scratchCount).max() ?? 0
    }

    // MARK: Planning

    /// The planned kernel of one step for these shapes, or its fallback.
    private static func kernel(_ step: InferenceStep, index: Int, inputs: [Int?], shapes: [[Int]?],
                               output: [Int]) -> PlannedKernel {
        let fallback = PlannedKernel.fallback(step: index)
        guard let x = inputs.first ?? nil, let xs = shapes.first ?? nil else { return fallback }
        let count = output.reduce(1, *)
        switch step.operation {
        case .convolution(let weight, let bias, let stride, let padding, let groups, let activation):
            guard let g = try? ConvolutionGeometry(input: xs, weight: weight.shape, stride: stride, padding: padding, groups: groups),
                  output == [g.batch, g.outChannels, g.outHeight, g.outWidth], bias.map({ $0.count == g.outChannels }) ?? true,
                  g.outPlane > 0, g.patchSize > 0 else { return fallback }
            if DepthwiseConvolution.applies(g) {
                let perPlane = g.outPlane * g.kernelHeight * g.kernelWidth
                let planes = g.batch * g.inChannels
                let blocks = min(planes, max(1, min(maxChunks, planes * perPlane / chunkWork)))
                return .depthwise(.init(input: x, g: g, weight: weight, bias: bias?.scalars ?? [Float](repeating: 0, count: g.outChannels),
                                        activation: activation, planesPerBlock: (planes + blocks - 1) / blocks))
            }
            guard groups == 1 else { return fallback }
            let packed = ScratchBuffer(count: sfc_small_gemm_packed_size(Int32(g.outChannels), Int32(g.patchSize)))
            if g.isPointwise {
                weight.withBaseAddress { w in
                    sfc_small_gemm_pack(Int32(g.outChannels), Int32(g.patchSize), w, Int32(g.patchSize), packed.pointer)
                }
                let panels = (g.outChannels + 5) / 6, tiles = (g.outPlane + 15) / 16
                let wanted = max(1, min(maxChunks, g.outChannels * g.patchSize * g.outPlane / chunkWork))
                // Pixel blocks keep an input tile in L1 for every panel; panels are split only
                // when the image has too few pixels.
                let pixelBlocks = min(tiles, wanted)
                let panelBlocks = min(panels, max(1, wanted / pixelBlocks))
                return .pointwise(.init(input: x, residual: nil, inputScale: nil, packed: packed, bias: bias, m: g.outChannels, k: g.patchSize,
                                        plane: g.outPlane, batch: g.batch, activation: activation,
                                        blockPixels: (tiles + pixelBlocks - 1) / pixelBlocks * 16,
                                        blockPanels: (panels + panelBlocks - 1) / panelBlocks,
                                        pixelBlocks: pixelBlocks, panelBlocks: panelBlocks))
            }
            let rowLength = sfc_padded_row_length(Int32(g.width), Int32(g.padding), Int32(g.stride))
            let phaseWidth = rowLength / g.stride
            let perRow = g.outChannels * g.patchSize * g.outWidth
            let blocks = min(g.outHeight, max(1, min(maxChunks, perRow * g.outHeight / chunkWork)))
            let rowsPerBlock = (g.outHeight + blocks - 1) / blocks
            let slabRows = (rowsPerBlock - 1) * g.stride + g.kernelHeight
            // Taps in (ky, kx, channel) order, channels innermost, as OpenCV 5's dnn sums them:
            // each output is one chain of FMAs over the taps, so their order sets the rounding
            // (NanoTrack's first layer, whose boxes need OpenCV's outputs to the bit). The
            // weights are packed in the same order.
            let taps = g.kernelHeight * g.kernelWidth
            var offsets = [Int32](repeating: 0, count: g.patchSize)
            var order = [Int](repeating: 0, count: g.patchSize)
            for tap in 0..<g.patchSize {
                let c = tap % g.inChannels, kyx = tap / g.inChannels
                let ky = kyx / g.kernelWidth, kx = kyx % g.kernelWidth
                order[tap] = c * taps + kyx
                offsets[tap] = Int32((c * slabRows + ky) * rowLength + (kx % g.stride) * phaseWidth + kx / g.stride)
            }
            var reordered = [Float](repeating: 0, count: g.outChannels * g.patchSize)
            weight.withBaseAddress { w in
                for o in 0..<g.outChannels {
                    for tap in 0..<g.patchSize { reordered[o * g.patchSize + tap] = w[o * g.patchSize + order[tap]] }
                }
            }
            reordered.withUnsafeBufferPointer { w in
                guard let w = w.baseAddress else { return }
                sfc_small_gemm_pack(Int32(g.outChannels), Int32(g.patchSize), w, Int32(g.patchSize), packed.pointer)
            }
            return .direct(.init(input: x, g: g, packed: packed, offsets: offsets, bias: bias, activation: activation,
                                 rowsPerBlock: rowsPerBlock, blocks: (g.outHeight + rowsPerBlock - 1) / rowsPerBlock,
                                 slabRows: slabRows, rowLength: rowLength))
        case .add:
            guard inputs.count == 2, let b = inputs[1], shapes[1] == xs, output == xs else { return fallback }
            return .add(a: x, b: b, count: count, activation: .none)
        case .multiply:
            guard inputs.count == 2, let b = inputs[1], let bs = shapes[1], xs.count == 4, bs.count == 4 else { return fallback }
            if bs == [xs[0], xs[1], 1, 1] && output == xs {
                return .scale(x: x, scale: b, planes: xs[0] * xs[1], plane: xs[2] * xs[3], activation: .none)
            }
            if xs == [bs[0], bs[1], 1, 1] && output == bs {
                return .scale(x: b, scale: x, planes: bs[0] * bs[1], plane: bs[2] * bs[3], activation: .none)
            }
            return fallback
        case .elementwise(let operation):
            guard output == xs else { return fallback }
            return .elementwise(x: x, count: count, operation: operation)
        case .globalAveragePool:
            guard xs.count == 4, xs[2] * xs[3] > 0, output == [xs[0], xs[1], 1, 1] else { return fallback }
            return .globalAveragePool(x: x, planes: xs[0] * xs[1], plane: xs[2] * xs[3])
        case .gemm(let alpha, let beta, let transposeA, let transposeB):
            guard inputs.count >= 2, let b = inputs[1], let bs = shapes[1], xs.count == 2, bs.count == 2 else { return fallback }
            let (m, k) = transposeA ? (xs[1], xs[0]) : (xs[0], xs[1])
            let (kb, n) = transposeB ? (bs[1], bs[0]) : (bs[0], bs[1])
            guard k == kb, output == [m, n], m > 0, n > 0, k > 0 else { return fallback }
            var c: Int?, cIsRow = false
            if inputs.count > 2, let cSlot = inputs[2], let cs = shapes[2] {
                c = cSlot
                if cs == [n] || cs == [1, n] { cIsRow = true } else if cs != [m, n] { return fallback }
            }
            return .gemm(.init(a: x, b: b, c: c, m: m, n: n, k: k, lda: xs[1], ldb: bs[1], cIsRow: cIsRow, alpha: alpha,
                               beta: beta, transposeA: transposeA, transposeB: transposeB))
        case .matmul:
            guard inputs.count == 2, let b = inputs[1], let bs = shapes[1], xs.count >= 2, bs.count >= 2 else { return fallback }
            let (m, k, kb, n) = (xs[xs.count - 2], xs[xs.count - 1], bs[bs.count - 2], bs[bs.count - 1])
            let batchShape = Array(xs.dropLast(2))
            let batchedB = bs.count > 2
            guard k == kb, m > 0, n > 0, k > 0, !batchedB || Array(bs.dropLast(2)) == batchShape,
                  output == batchShape + [m, n] else { return fallback }
            return .matmul(.init(a: x, b: b, batch: batchShape.reduce(1, *), m: m, n: n, k: k, batchedB: batchedB))
        case .view, .other:
            return fallback
        }
    }

    /// Fuses an element-wise step into the step that produces its only input, and an Add into
    /// the pointwise convolution that produces one of its operands, when nothing else reads
    /// the value in between.
    private static func fuse(_ nodes: inout [ScheduleNode], outputRoots: Set<Int>) {
        var readers: [Int: Int] = [:]
        for node in nodes { for r in node.reads { readers[r, default: 0] += 1 } }
        for r in outputRoots { readers[r, default: 0] += 1 }
        var producer: [Int: Int] = [:]
        for (i, node) in nodes.enumerated() { producer[node.output] = i }
        var removed = Set<Int>()
        for i in nodes.indices {
            let node = nodes[i]
            switch node.kernel {
            case .elementwise(let x, _, let operation):
                guard readers[x] == 1, let p = producer[x], nodes[p].post == nil else { continue }
                var target = nodes[p]
                switch (target.kernel, operation) {
                case (.add(let a, let b, let count, .none), .activation(let activation)):
                    target.kernel = .add(a: a, b: b, count: count, activation: activation)
                case (.scale(let x, let s, let planes, let plane, .none), .activation(let activation)):
                    target.kernel = .scale(x: x, scale: s, planes: planes, plane: plane, activation: activation)
                case (.pointwise, _), (.direct, _):
                    // Scattered output ranges: only a step computed in one chunk takes a post
                    // operation; chunk counts come later, so require a small output.
                    guard Self.chunkCount(target.kernel, outputCount: 0) == 1 else { continue }
                    target.post = operation
                default:
                    target.post = operation
                }
                target.steps += node.steps
                target.output = node.output
                nodes[p] = target
                producer[node.output] = p
                removed.insert(i)
            case .add(let a, let b, _, .none):
                let candidates = [(a, b), (b, a)]
                guard let (x, r) = candidates.first(where: { x, r in
                    guard x != r, readers[x] == 1, let p = producer[x], nodes[p].post == nil, (producer[r] ?? -1) < p,
                          case .pointwise(let pw) = nodes[p].kernel, pw.residual == nil else { return false }
                    return true
                }), let p = producer[x], case .pointwise(var pw) = nodes[p].kernel else { continue }
                pw.residual = r
                nodes[p].kernel = .pointwise(pw)
                nodes[p].steps += node.steps
                nodes[p].output = node.output
                nodes[p].reads.append(r)
                producer[node.output] = p
                removed.insert(i)
            case .pointwise(var pw) where pw.inputScale == nil:
                // A channel scaling (and its activation) read straight into the convolution's
                // packed input tiles, never stored.
                guard readers[pw.input] == 1, let p = producer[pw.input], nodes[p].post == nil,
                      case .scale(let sx, let scale, let planes, let plane, let activation) = nodes[p].kernel,
                      plane == pw.plane, planes == pw.batch * pw.k, pw.k <= 512 else { continue }
                pw.input = sx
                pw.inputScale = scale
                pw.inputActivation = activation
                nodes[i].kernel = .pointwise(pw)
                nodes[i].steps = nodes[p].steps + nodes[i].steps
                nodes[i].reads = nodes[i].reads.filter { $0 != nodes[p].output } + [sx, scale]
                removed.insert(p)
            case .globalAveragePool(let x, _, _):
                // The means of a depthwise convolution's planes, taken while they are in cache.
                guard let p = producer[x], nodes[p].output == x, nodes[p].post == nil,
                      case .depthwise(var dw) = nodes[p].kernel, dw.pool == nil else { continue }
                dw.pool = node.output
                // Each plane's sum is one chain of additions (OpenCV's order), so the means run
                // eight planes to a register: chunks of whole groups of eight keep the lanes full.
                dw.planesPerBlock = (dw.planesPerBlock + 7) / 8 * 8
                nodes[p].kernel = .depthwise(dw)
                nodes[p].steps += node.steps
                nodes[p].extraOutputs.append(node.output)
                producer[node.output] = p
                removed.insert(i)
            default:
                continue
            }
        }
        nodes = nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// Chunks of a step: enough that each core gets a few, none too small to pay for claiming it.
    private static func chunkCount(_ kernel: PlannedKernel, outputCount: Int) -> Int {
        switch kernel {
        case .pointwise(let p): return p.batch * p.pixelBlocks * p.panelBlocks
        case .direct(let d): return d.g.batch * d.blocks
        case .depthwise(let d): return (d.g.batch * d.g.inChannels + d.planesPerBlock - 1) / d.planesPerBlock
        case .add(_, _, let count, _), .elementwise(_, let count, _):
            return max(1, min(maxChunks, count / (chunkWork / 2), (count + 15) / 16))
        case .scale(_, _, let planes, let plane, _), .globalAveragePool(_, let planes, let plane):
            return max(1, min(maxChunks, planes * plane / (chunkWork / 2), planes))
        case .gemm, .matmul, .fallback: return 1
        }
    }

    // MARK: Running

    func run(_ inputs: [Tensor], timed: Bool) throws(EngineError) -> (outputs: [Tensor], timings: [InferenceProgram.StepTiming]) {
        let workspace = lock.withLock { idle.popLast() } ?? InferenceWorkspace(schedule: self)
        defer { lock.withLock { if idle.count < Self.idleLimit { idle.append(workspace) } } }
        for (i, slot) in program.inputSlots.enumerated() {
            precondition(inputs[i].shape == shapes[slot], "InferenceSchedule.run: input \(i) has shape \(inputs[i].shape)")
            workspace.pointers[slot] = inputs[i].storage.pointer
        }
        let start = timed ? monotonicSeconds() : 0
        let run = TaskGraphRun(graph: timed ? serialGraph : graph, timed: timed) { [self] task, chunk, worker in
            for node in timed ? [task] : tasks[task] {
                if let error = execute(nodes[node], chunk: chunk, workspace: workspace, worker: worker, inputs: inputs) {
                    return EngineError("\(program.steps[nodes[node].steps[0]].label): \(error.message)")
                }
            }
            return nil
        }
        let failure = withExtendedLifetime(inputs) { run.run() }
        if let failure { throw failure.error }
        let outputs = program.outputSlots.map { slot in
            let source = workspace.pointers[root[slot]]
            return Tensor(uninitialized: shapes[slot], pointer: { $0.update(from: source, count: shapes[slot].reduce(1, *)) })
        }
        var timings: [InferenceProgram.StepTiming] = []
        if timed, let finished = run.finishTimes {
            var previous = start
            for (i, node) in nodes.enumerated() {
                timings.append(.init(steps: node.steps, seconds: finished[i] - previous))
                previous = finished[i]
            }
        }
        return (outputs, timings)
    }

    private func execute(_ node: ScheduleNode, chunk: Int, workspace: InferenceWorkspace, worker: Int,
                         inputs: [Tensor]) -> EngineError? {
        let out = workspace.pointers[node.output]
        let outputCount = shapes[node.output].reduce(1, *)
        let written: Range<Int>?
        if case .fallback(let index) = node.kernel {
            let step = program.steps[index]
            let values = step.inputs.map { slot in slot.map { tensor(slot: $0, workspace: workspace, inputs: inputs) } }
            do {
                let result = try step.fallback(values)
                guard result.count == outputCount else {
                    return EngineError("gave \(result.shape), planned \(shapes[step.output])")
                }
                result.withBaseAddress { out.update(from: $0, count: outputCount) }
            } catch {
                return error
            }
            written = nil
        } else {
            written = node.kernel.run(chunk: chunk, of: node.chunks, out: out, slot: { workspace.pointers[$0] },
                                      scratch: workspace.scratch[worker].pointer)
        }
        if let post = node.post {
            let range = written ?? 0..<outputCount
            post.apply(out + range.lowerBound, count: range.count)
        }
        return nil
    }

    /// A slot's current value as a tensor: constants and inputs as they are, others copied.
    private func tensor(slot: Int, workspace: InferenceWorkspace, inputs: [Tensor]) -> Tensor {
        if let constant = program.constants[slot] { return constant }
        if let i = program.inputSlots.firstIndex(of: slot) { return inputs[i] }
        let source = workspace.pointers[root[slot]]
        return Tensor(uninitialized: shapes[slot], pointer: { $0.update(from: source, count: shapes[slot].reduce(1, *)) })
    }
}
