import SiamFCEngine
import SiamFCSupport

/// Runs an ONNX graph with the engine, for inference.
///
/// Creating the runner checks every node against the supported operators and attributes (see
/// docs/onnx.md) and compiles the graph into a plan: initializers become constants, a
/// BatchNormalization after a Conv is folded into its weights, and a Relu, Clip(0, 6) or HardSwish
/// after a Conv is fused into it, when the Conv's output has no other reader. Anything
/// unsupported is a one-line ``ONNXError`` naming the file, the node and the operator or
/// attribute. The plan runs as an engine ``InferenceProgram`` (planned buffers, more fusions,
/// both cores; operators without a planned kernel run on tensors). Runs are bit-for-bit
/// repeatable, and one runner may serve several threads at once.
///
/// ```swift
/// let backbone = try ONNXGraphRunner(model: try ONNXModel(contentsOf: "nanotrackv2_backbone_sim.onnx"))
/// let features = try backbone.run(inputs: ["input": crop])["output"]   // [1, 48, 8, 8] for a 127 crop
/// ```
public struct ONNXGraphRunner: Sendable {
    let plan: ONNXInferencePlan
    /// The plan compiled for the engine's planned kernels (see ``InferenceProgram``).
    let program: InferenceProgram

    public init(model: ONNXModel) throws(ONNXError) {
        plan = try ONNXInferencePlan(model: model)
        program = plan.program()
    }

    /// The graph's inputs as the file declares them.
    public var inputs: [ONNXValueInfo] { plan.inputs.map(\.info) }
    /// The names of the graph's outputs, in file order.
    public var outputNames: [String] { plan.outputs.map(\.name) }
    /// Operators after folding and fusion.
    public var stepCount: Int { plan.steps.count }

    /// Runs the graph. Every declared input must be given, with the declared rank and the
    /// declared batch and channel sizes; the last two dimensions of a 4-D input (its spatial
    /// size) may differ from the declared ones. Returns every graph output by name.
    ///
    /// The first run with new input shapes plans them (one run on tensors to learn every
    /// value's shape, then buffers and kernels); later runs reuse the plan and its buffers.
    /// Safe to call from several threads at once.
    public func run(inputs: [String: Tensor]) throws(ONNXError) -> [String: Tensor] {
        try runPlanned(inputs, timed: false).outputs
    }

    /// Runs the graph like ``run(inputs:)`` with the planned steps one after the other, and
    /// times each (a planned step may hold several fused operators: `Conv+Add`). `run(inputs:)`
    /// reads no clock.
    public func profile(inputs: [String: Tensor]) throws(ONNXError) -> (outputs: [String: Tensor], steps: [ONNXStepTiming]) {
        var flops = [Int](repeating: 0, count: plan.steps.count)
        var shapes = [[Int]](repeating: [], count: plan.steps.count)
        var index = 0
        _ = try execute(inputs) { step, stepInputs, output, _ in
            flops[index] = step.op.flops(stepInputs, output: output)
            shapes[index] = output.shape
            index += 1
        }
        let (outputs, timings) = try runPlanned(inputs, timed: true)
        let steps = timings.map { timing in
            ONNXStepTiming(label: plan.steps[timing.steps[0]].label,
                           operatorType: timing.steps.map { plan.steps[$0].op.typeName }.joined(separator: "+"),
                           outputShape: timing.steps.last.map { shapes[$0] } ?? [], seconds: timing.seconds,
                           flops: timing.steps.reduce(0) { $0 + flops[$1] })
        }
        return (outputs, steps)
    }

    private func runPlanned(_ given: [String: Tensor], timed: Bool) throws(ONNXError)
        -> (outputs: [String: Tensor], timings: [InferenceProgram.StepTiming])
    {
        let tensors = try ordered(given)
        do {
            let (values, timings) = try program.run(tensors, timed: timed) {
                // Every value's shape, from one run on tensors (which also names the node of a
                // shape that does not fit).
                var shapes = [[Int]?](repeating: nil, count: plan.slotCount)
                for (i, input) in plan.inputs.enumerated() { shapes[input.slot] = tensors[i].shape }
                _ = try execute(given) { step, _, output, _ in shapes[step.output] = output.shape }
                return shapes
            }
            var outputs: [String: Tensor] = [:]
            for (i, output) in plan.outputs.enumerated() { outputs[output.name] = values[i] }
            return (outputs, timings)
        } catch let error as ONNXError {
            throw error
        } catch let error as EngineError {
            throw self.error(error.message)
        } catch {
            throw self.error("\(error)")
        }
    }

    /// The given inputs in plan order, checked.
    private func ordered(_ given: [String: Tensor]) throws(ONNXError) -> [Tensor] {
        for name in given.keys.sorted() where !plan.inputs.contains(where: { $0.info.name == name }) {
            throw error("'\(name)' is not an input of the graph (inputs: \(plan.inputs.map(\.info.name).joined(separator: ", ")))")
        }
        var tensors: [Tensor] = []
        for (info, _) in plan.inputs {
            guard let tensor = given[info.name] else { throw error("input '\(info.name)' is missing") }
            try check(info, tensor)
            tensors.append(tensor)
        }
        return tensors
    }

    /// Floating-point operations of one run on `inputs` (multiply-adds × 2 of Conv, Gemm and
    /// MatMul), measured by running the plan.
    public func flops(inputs: [String: Tensor]) throws(ONNXError) -> Int {
        var flops = 0
        _ = try execute(inputs) { step, stepInputs, output, _ in flops += step.op.flops(stepInputs, output: output) }
        return flops
    }

    /// Zero inputs of the declared shapes, with the spatial size of 4-D inputs set to `side` when
    /// given (a symbolic batch becomes 1).
    public func zeroInputs(side: Int? = nil) throws(ONNXError) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for input in plan.inputs {
            guard let declared = input.info.shape, case let dims = declared.enumerated().map({ (i, d) -> Int? in
                if declared.count == 4 && i >= 2, let side { return side }
                if case .value(let n) = d { return n }
                return i == 0 ? 1 : nil
            }), dims.allSatisfy({ $0 != nil }) else {
                throw error("input '\(input.info.name)' has no fixed shape (\(input.info))")
            }
            result[input.info.name] = Tensor(zeros: dims.map { $0 ?? 1 })
        }
        return result
    }

    private func error(_ message: String) -> ONNXError { ONNXError(path: plan.path, message: message) }

    private func check(_ info: ONNXValueInfo, _ tensor: Tensor) throws(ONNXError) {
        guard let declared = info.shape else { return }
        guard tensor.rank == declared.count else {
            throw error("input '\(info.name)' must have rank \(declared.count) \(info.description), got shape \(tensor.shape)")
        }
        guard tensor.shape.allSatisfy({ $0 > 0 }) else { throw error("input '\(info.name)' is empty: shape \(tensor.shape)") }
        for (i, d) in declared.enumerated() {
            guard case .value(let n) = d, !(declared.count == 4 && i >= 2) else { continue }
            guard tensor.shape[i] == n else {
                let what = declared.count == 4 && i == 1 ? "channels" : "dimension \(i)"
                throw error("input '\(info.name)' must have \(n) as \(what) (\(info.description)), got shape \(tensor.shape)")
            }
        }
    }

    /// Called after each step with the step, its inputs, its output and its seconds (0 unless
    /// timing was asked for: the clock is read only when an observer is given).
    private typealias StepObserver = (ONNXStep, [Tensor?], Tensor, Double) -> Void

    private func execute(_ given: [String: Tensor], observer: StepObserver?) throws(ONNXError) -> [String: Tensor] {
        var values = [Tensor?](repeating: nil, count: plan.slotCount)
        for (slot, value) in plan.constants { values[slot] = value }
        for name in given.keys.sorted() where !plan.inputs.contains(where: { $0.info.name == name }) {
            throw error("'\(name)' is not an input of the graph (inputs: \(plan.inputs.map(\.info.name).joined(separator: ", ")))")
        }
        for (info, slot) in plan.inputs {
            guard let tensor = given[info.name] else { throw error("input '\(info.name)' is missing") }
            try check(info, tensor)
            values[slot] = tensor
        }
        for step in plan.steps {
            let inputs = step.inputs.map { $0.flatMap { values[$0] } }
            let output: Tensor
            let start = observer == nil ? 0 : monotonicSeconds()
            do {
                output = try step.op.run(inputs)
            } catch {
                throw self.error("\(step.label): \(error.message)")
            }
            if let observer { observer(step, inputs, output, monotonicSeconds() - start) }
            values[step.output] = output
            for slot in step.releases { values[slot] = nil }
        }
        var outputs: [String: Tensor] = [:]
        for (name, slot) in plan.outputs {
            guard let value = values[slot] else { throw error("output '\(name)' was not computed") }
            outputs[name] = value
        }
        return outputs
    }
}

/// One planned step's time in ``ONNXGraphRunner/profile(inputs:)``.
public struct ONNXStepTiming: Sendable {
    /// `node "name"` of the node the step comes from (its first node, when others were fused in).
    public let label: String
    /// The ONNX operator type, with what was fused in: `Conv+HardSwish`, `Mul`.
    public let operatorType: String
    public let outputShape: [Int]
    public let seconds: Double
    /// Multiply-adds × 2 of Conv, Gemm and MatMul; 0 for the others.
    public let flops: Int
}
