import SiamFCEngine

/// One operator of the plan: what it computes, which value slots it reads (nil: an optional
/// input left out) and which slot it writes.
struct ONNXStep: Sendable {
    /// `node "name"` for messages.
    let label: String
    var op: ONNXOperator
    let inputs: [Int?]
    let output: Int
    /// Slots whose last reader is this step: released after it runs.
    var releases: [Int]
}

/// An ONNX graph compiled for inference: nodes decoded and checked, constants resolved,
/// Conv → BatchNormalization folded, Conv → Relu/Clip(0,6)/HardSwish fused, and every value
/// given a slot.
struct ONNXInferencePlan: Sendable {
    let path: String
    let steps: [ONNXStep]
    /// The constant value of each slot that holds one (initializers, `Constant` outputs).
    let constants: [Int: Tensor]
    let slotCount: Int
    let inputs: [(info: ONNXValueInfo, slot: Int)]
    let outputs: [(name: String, slot: Int)]

    /// A node before slots are assigned.
    private struct Pending {
        let label: String
        var op: ONNXOperator
        let inputs: [String?]
        var output: String
        var removed = false
    }

    init(model: ONNXModel) throws(ONNXError) {
        do {
            try self.init(checking: model)
        } catch {
            throw ONNXError(path: model.path, message: error.message)
        }
    }

    private init(checking model: ONNXModel) throws(ONNXFormatError) {
        path = model.path
        var constants: [String: ONNXTensor] = [:]
        for tensor in model.initializers { constants[tensor.name] = tensor }
        let opset = model.opsetVersion ?? 1
        for input in model.inputs {
            guard input.elementType == .float else {
                throw ONNXFormatError("input '\(input.name)' of type \(input.elementType?.description ?? "unknown") is not supported (FLOAT only)")
            }
        }

        var pending: [Pending] = []
        for (index, node) in model.nodes.enumerated() {
            let label = node.name.isEmpty ? "node #\(index) (\(node.opType))" : "node \"\(node.name)\""
            let decoder = ONNXOperatorDecoder(node: node, label: label, opsetVersion: opset, constants: constants)
            if node.opType == "Constant" && (node.domain.isEmpty || node.domain == "ai.onnx") {
                for name in node.attributes.keys.sorted() where name != "value" { throw decoder.unsupported(name) }
                guard case .tensor(let value)? = node.attributes["value"], node.outputs.count == 1 else {
                    throw decoder.fail("Constant needs a tensor 'value'")
                }
                constants[node.outputs[0]] = value
                continue
            }
            let (op, inputs) = try decoder.decode()
            pending.append(Pending(label: label, op: op, inputs: inputs, output: node.outputs[0]))
        }

        // Readers of each value; graph outputs count as readers so that they are never fused away.
        var readers: [String: Int] = [:]
        for step in pending { for case let name? in step.inputs { readers[name, default: 0] += 1 } }
        for output in model.outputs { readers[output.name, default: 0] += 1 }
        var producer: [String: Int] = [:]
        for (i, step) in pending.enumerated() { producer[step.output] = i }
        for i in pending.indices {
            guard let source = pending[i].inputs.first ?? nil, readers[source] == 1, let p = producer[source],
                  case .convolution(var conv) = pending[p].op else { continue }
            switch pending[i].op {
            case .batchNormalization(let scale, let shift) where conv.activation == .none:
                do { conv = try conv.folding(scale: scale, shift: shift) } catch { throw ONNXFormatError("\(pending[i].label): \(error.message)") }
            case .activation(let activation) where conv.activation == .none:
                conv.activation = activation
            default:
                continue
            }
            pending[p].op = .convolution(conv)
            pending[p].output = pending[i].output
            producer[pending[i].output] = p
            pending[i].removed = true
        }
        pending.removeAll { $0.removed }

        // Slots: graph inputs, constants, then node outputs.
        var slots: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let s = slots[name] { return s }
            slots[name] = slots.count
            return slots.count - 1
        }
        inputs = model.inputs.map { ($0, slot($0.name)) }
        for step in pending { _ = slot(step.output) }
        var constantSlots: [Int: Tensor] = [:]
        for step in pending {
            for case let name? in step.inputs where slots[name] == nil {
                guard let value = constants[name] else { throw ONNXFormatError("\(step.label): input '\(name)' is not defined") }
                constantSlots[slot(name)] = value.values
            }
        }
        for output in model.outputs where slots[output.name] == nil && producer[output.name] == nil {
            if let value = constants[output.name] { constantSlots[slot(output.name)] = value.values }
        }
        var steps: [ONNXStep] = []
        for step in pending {
            let inputs = step.inputs.map { $0.flatMap { slots[$0] } }
            steps.append(ONNXStep(label: step.label, op: step.op, inputs: inputs, output: slot(step.output), releases: []))
        }
        var outputs: [(name: String, slot: Int)] = []
        for output in model.outputs {
            guard let s = slots[output.name] else { throw ONNXFormatError("output '\(output.name)' is not produced") }
            outputs.append((output.name, s))
        }
        // Release every computed value after its last reader, unless it is a graph output.
        let kept = Set(outputs.map(\.slot))
        var lastReader: [Int: Int] = [:]
        for (i, step) in steps.enumerated() { for case let s? in step.inputs { lastReader[s] = i } }
        for (s, i) in lastReader where !kept.contains(s) && constantSlots[s] == nil { steps[i].releases.append(s) }
        for i in steps.indices { steps[i].releases.sort() }

        self.steps = steps
        self.constants = constantSlots
        self.slotCount = slots.count
        self.outputs = outputs
    }
}
