import Foundation
import SiamFCEngine
import SiamFCONNX
import SiamFCSupport
import SiamFCTracker

/// Our light model (``LightTrackNetwork``, standard configuration, untrained weights): inference
/// of the backbone on a 127 template and a 255 search crop and of the head, folded on the engine
/// and through its ONNX export on ``ONNXGraphRunner``; then one training step (batch-norm in
/// training mode, forward and backward of `batch` pairs) in pairs/s, with the time split into
/// forward and backward.
struct LightModelBenchmark {
    let repeats: Int
    let batch: Int

    func median(_ body: () throws -> Void) throws -> Double {
        try body()
        var samples: [Double] = []
        for _ in 0..<repeats {
            var failure: Error?
            samples.append(time { do { try body() } catch { failure = error } })
            if let failure { throw failure }
        }
        return Statistics.median(samples)
    }

    func run() throws {
        var generator = SplitMix64(seed: 11)
        let network = try LightTrackNetwork(using: &generator)
        network.setTraining(false)
        let folded = try network.folded()
        let backboneFLOPs = folded.backboneFLOPs(inputSide: 255), headFLOPs = folded.headFLOPs()
        let parameters = network.parameters.reduce(0) { $0 + $1.value.count }
        print(String(format: "\nLight model (standard configuration): %d parameters; GFLOP backbone 255 %.4f, 127 %.4f, head %.4f, update %.4f",
                     parameters, Double(backboneFLOPs) / 1e9, Double(folded.backboneFLOPs(inputSide: 127)) / 1e9,
                     Double(headFLOPs) / 1e9, Double(backboneFLOPs + headFLOPs) / 1e9))
        func random(_ shape: [Int], _ range: ClosedRange<Float>) -> Tensor {
            Tensor(uninitializedShape: shape) { for i in 0..<$0.count { $0[i] = Float.random(in: range, using: &generator) } }
        }
        let template = random([1, 3, 127, 127], 0...255), search = random([1, 3, 255, 255], 0...255)
        let zf = try folded.features(template), xf = try folded.features(search)

        let directory = NSTemporaryDirectory() + "/siamfc-light-bench-\(getpid())"
        try FileSystem.createDirectories(directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = try folded.exportONNX(to: directory)
        let backbone = try ONNXGraphRunner(model: try ONNXModel(contentsOf: paths.backbone))
        let head = try ONNXGraphRunner(model: try ONNXModel(contentsOf: paths.head))

        print("  inference, median of \(repeats) (ms)".padding(toLength: 38, withPad: " ", startingAt: 0) + "  engine  ONNX runner")
        let rows: [(String, () throws -> Void, () throws -> Void)] = [
            ("backbone, 255 search crop", { _ = try folded.features(search) }, { _ = try backbone.run(inputs: ["input": search]) }),
            ("backbone, 127 template", { _ = try folded.features(template) }, { _ = try backbone.run(inputs: ["input": template]) }),
            ("head", { _ = try folded.head(template: zf, search: xf) }, { _ = try head.run(inputs: ["input1": zf, "input2": xf]) }),
            ("update (backbone 255 + head)", {
                _ = try folded.head(template: zf, search: try folded.features(search))
            }, {
                let x = try backbone.run(inputs: ["input": search])["output"] ?? xf
                _ = try head.run(inputs: ["input1": zf, "input2": x])
            }),
        ]
        for (label, engine, runner) in rows {
            let padded = "  " + label.padding(toLength: 36, withPad: " ", startingAt: 0)
            print(padded + String(format: " %7.2f %10.2f", try median(engine) * 1e3, try median(runner) * 1e3))
        }

        network.setTraining(true)
        let templates = random([batch, 3, 127, 127], 0...255), searches = random([batch, 3, 255, 255], 0...255)
        let projections = (random([batch, 2, 16, 16], -1...1), random([batch, 4, 16, 16], -0.01...0.01))
        var forwardSeconds: [Double] = [], backwardSeconds: [Double] = []
        for step in 0...repeats {
            var loss: Variable?
            let forward = try timeThrowing {
                let z = try network(Variable(templates)), x = try network(Variable(searches))
                let (classes, distances) = try network.head(template: z, search: x)
                loss = try sum(try classes * Variable(projections.0)) + sum(try distances * Variable(projections.1))
            }
            let backward = time { loss?.backward() }
            for p in network.parameters { p.grad = nil }
            if step > 0 { forwardSeconds.append(forward); backwardSeconds.append(backward) }
        }
        let f = Statistics.median(forwardSeconds), b = Statistics.median(backwardSeconds)
        print(String(format: "  training step, batch %d (template 127 + search 255 per pair): forward %.1f ms, backward %.1f ms, %.1f pairs/s",
                     batch, f * 1e3, b * 1e3, Double(batch) / (f + b)))
    }

    func timeThrowing(_ body: () throws -> Void) throws -> Double {
        var failure: Error?
        let seconds = time { do { try body() } catch { failure = error } }
        if let failure { throw failure }
        return seconds
    }
}
