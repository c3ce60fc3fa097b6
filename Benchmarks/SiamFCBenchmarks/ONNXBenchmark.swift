import ArgumentParser
import SiamFCEngine
import SiamFCONNX
import SiamFCSupport

/// NanoTrack v2's ONNX graphs run by the engine (`ONNXGraphRunner`): median time per run of the
/// backbone on a 255 search crop and a 127 template, and of the head.
struct ONNXBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx",
        abstract: "Median ms per run of the NanoTrack v2 backbone (255 and 127) and head ONNX graphs.")

    @Option(help: "The backbone ONNX file.")
    var backbone = "../shared/models/nanotrackv2_backbone_sim.onnx"

    @Option(help: "The head ONNX file.")
    var head = "../shared/models/nanotrackv2_head_sim.onnx"

    @Option(help: "Timed repetitions per graph (the median is reported).")
    var repeats = 30

    func run() throws {
        let backboneRunner = try ONNXGraphRunner(model: try ONNXModel(contentsOf: backbone))
        let headRunner = try ONNXGraphRunner(model: try ONNXModel(contentsOf: head))
        print("ONNX graphs on the engine (median of \(repeats), \(Parallel.coreCount) cores)")
        func report(_ name: String, _ runner: ONNXGraphRunner, _ inputs: [String: Tensor]) throws {
            _ = try runner.run(inputs: inputs)
            let seconds = Statistics.median((0..<repeats).map { _ in time { _ = try? runner.run(inputs: inputs) } })
            let gflop = Double(try runner.flops(inputs: inputs)) / 1e9
            let padded = name + String(repeating: " ", count: max(0, 14 - name.count))
            print("  " + padded + String(format: "%8.3f ms  %.3f GFLOP", seconds * 1e3, gflop))
        }
        try report("backbone 255", backboneRunner, ["input": Tensor(repeating: 100, shape: [1, 3, 255, 255])])
        try report("backbone 127", backboneRunner, ["input": Tensor(repeating: 100, shape: [1, 3, 127, 127])])
        try report("head", headRunner, ["input1": Tensor(repeating: 0.5, shape: [1, 48, 8, 8]),
                                        "input2": Tensor(repeating: 0.5, shape: [1, 48, 16, 16])])
    }
}
