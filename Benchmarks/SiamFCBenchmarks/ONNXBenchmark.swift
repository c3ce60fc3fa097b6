import ArgumentParser
import SiamFCEngine
import SiamFCONNX
import SiamFCSupport

/// NanoTrack v2's ONNX graphs run by the engine (`ONNXGraphRunner`): median time per run of the
/// backbone on a 255 search crop and a 127 template, and of the head; then, per graph, the
/// median time of each planned step, by operator type and the slowest steps.
struct ONNXBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx",
        abstract: "Median ms per run of the NanoTrack v2 backbone (255 and 127) and head ONNX graphs, with a per-step profile.")

    @Option(help: "The backbone ONNX file.")
    var backbone = "../shared/models/nanotrackv2_backbone_sim.onnx"

    @Option(help: "The head ONNX file.")
    var head = "../shared/models/nanotrackv2_head_sim.onnx"

    @Option(help: "Timed repetitions per graph (the median is reported).")
    var repeats = 30

    @Option(help: "Slowest steps listed per graph (0: no profile).")
    var top = 10

    func run() throws {
        let backboneRunner = try ONNXGraphRunner(model: try ONNXModel(contentsOf: backbone))
        let headRunner = try ONNXGraphRunner(model: try ONNXModel(contentsOf: head))
        let graphs: [(String, ONNXGraphRunner, [String: Tensor])] = [
            ("backbone 255", backboneRunner, ["input": Tensor(repeating: 100, shape: [1, 3, 255, 255])]),
            ("backbone 127", backboneRunner, ["input": Tensor(repeating: 100, shape: [1, 3, 127, 127])]),
            ("head", headRunner, ["input1": Tensor(repeating: 0.5, shape: [1, 48, 8, 8]),
                                  "input2": Tensor(repeating: 0.5, shape: [1, 48, 16, 16])]),
        ]
        print("ONNX graphs on the engine (median of \(repeats), \(Parallel.coreCount) cores)")
        var medians: [String: Double] = [:]
        for (name, runner, inputs) in graphs {
            _ = try runner.run(inputs: inputs)
            let seconds = Statistics.median((0..<repeats).map { _ in time { _ = try? runner.run(inputs: inputs) } })
            medians[name] = seconds
            let gflop = Double(try runner.flops(inputs: inputs)) / 1e9
            print("  " + pad(name, 14) + String(format: "%8.3f ms  %.3f GFLOP", seconds * 1e3, gflop))
        }
        print("  " + pad("update", 14) + String(format: "%8.3f ms  (backbone 255 + head, sum of medians)",
                                                  ((medians["backbone 255"] ?? 0) + (medians["head"] ?? 0)) * 1e3))
        // One tracking update as a tracker runs it: the search crop's features fed to the head
        // with the template's, timed together (as onnxruntime's script times its update).
        let template = try backboneRunner.run(inputs: ["input": Tensor(repeating: 100, shape: [1, 3, 127, 127])])["output"]
        let crop = Tensor(repeating: 100, shape: [1, 3, 255, 255])
        if let template {
            let update = Statistics.median((0..<repeats).map { _ in
                time {
                    guard let search = try? backboneRunner.run(inputs: ["input": crop])["output"] else { return }
                    _ = try? headRunner.run(inputs: ["input1": template, "input2": search])
                }
            })
            print("  " + pad("update", 14) + String(format: "%8.3f ms  (backbone 255 then head, timed together)", update * 1e3))
        }
        guard top > 0 else { return }
        for (name, runner, inputs) in graphs { try profile(name, runner, inputs) }
    }

    /// Median seconds of each step over `repeats` profiled runs, by operator type and the `top` slowest.
    private func profile(_ name: String, _ runner: ONNXGraphRunner, _ inputs: [String: Tensor]) throws {
        var runs: [[ONNXStepTiming]] = []
        for _ in 0..<repeats { runs.append(try runner.profile(inputs: inputs).steps) }
        let first = runs[0]
        let steps = first.indices.map { i in (timing: first[i], seconds: Statistics.median(runs.map { $0[i].seconds })) }
        let total = steps.reduce(0) { $0 + $1.seconds }
        print("\n\(name): \(steps.count) steps, sum of step medians " + String(format: "%.3f ms", total * 1e3))
        var byType: [String: (seconds: Double, flops: Int, count: Int)] = [:]
        for step in steps {
            let type = step.timing.operatorType
            byType[type, default: (0, 0, 0)].seconds += step.seconds
            byType[type, default: (0, 0, 0)].flops += step.timing.flops
            byType[type, default: (0, 0, 0)].count += 1
        }
        print("  " + pad("operator", 20) + "   n        ms      %   GFLOP/s")
        for (type, entry) in byType.sorted(by: { ($0.value.seconds, $0.key) > ($1.value.seconds, $1.key) }) {
            print("  " + pad(type, 20) + String(format: "%4d  %8.3f  %5.1f", entry.count, entry.seconds * 1e3,
                                                  100 * entry.seconds / max(total, 1e-12)) + rate(entry.flops, entry.seconds))
        }
        print("  slowest steps:")
        for step in steps.sorted(by: { $0.seconds > $1.seconds }).prefix(top) {
            let t = step.timing
            print("  " + pad(t.operatorType, 20) + String(format: "%8.3f ms", step.seconds * 1e3) + rate(t.flops, step.seconds)
                  + "  " + pad("\(t.outputShape)", 18) + " " + t.label)
        }
    }

    private func rate(_ flops: Int, _ seconds: Double) -> String {
        flops > 0 ? String(format: "  %8.2f", Double(flops) / max(seconds, 1e-12) / 1e9) : "          "
    }

    private func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
}
