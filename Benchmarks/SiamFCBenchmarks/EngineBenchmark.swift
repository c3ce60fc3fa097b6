import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCSupport

/// Convolution speed on the SiamFC AlexNet shapes next to the machine's sgemm rate.
///
/// Each conv layer (batch-norm folded, as in tracking) is timed on the search batch (3 x 255²)
/// and the exemplar (1 x 127²); its GFLOP/s is compared with sgemm on 1024² and 2048² matrices
/// measured in the same run, so machine load affects both alike.
struct EngineBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Per-layer conv time and GFLOP/s for SiamFC's AlexNet, and sgemm GFLOP/s.")

    @Option(help: "Timed repetitions per measurement (the median is reported).")
    var repeats = 15

    @Option(help: "Which networks: all, full (96/256/384/384/256) or 0.3 (28/76/114/114/76).")
    var width = "all"

    @Option(help: "Which sections: all, alexnet (SiamFC's convolutions), light (NanoTrack-style operators) or light-model (our light model: inference and training steps).")
    var section = "all"

    @Option(help: "Pairs per training step in the light-model section.")
    var batch = 16

    func run() throws {
        if section == "light" {
            try LightOperatorBenchmark(repeats: repeats).run()
            return
        }
        if section == "light-model" {
            try LightModelBenchmark(repeats: repeats, batch: batch).run()
            return
        }
        print("threads: \(Parallel.coreCount) cores; sgemm split over them by the engine, one BLAS thread each")
        guard section == "all" || section == "alexnet" else {
            throw ValidationError("--section must be all, alexnet, light or light-model, not \(section)")
        }
        var peak: Double = 0
        for n in [1024, 2048] {
            let rate = sgemmRate(n)
            peak = max(peak, rate)
            print(String(format: "sgemm %4d x %4d x %4d: %7.1f GFLOP/s", n, n, n, rate))
        }
        let networks = [("full width", [96, 256, 384, 384, 256]), ("0.3 width", [28, 76, 114, 114, 76])]
            .filter { width == "all" || $0.0.hasPrefix(width) }
        for (label, widths) in networks {
            let net = Backbone(widths: widths)
            print("\nAlexNet \(label) \(widths)")
            for (name, batch, size) in [("search 3x255", 3, 255), ("exemplar 1x127", 1, 127)] {
                print("  \(name)")
                var input = Tensor(repeating: 0.5, shape: [batch, 3, size, size])
                var total: Double = 0
                for (index, layer) in net.layers.enumerated() {
                    let x = input
                    let seconds = Statistics.median((0..<repeats).map { _ in time { _ = try? layer.convolve(x) } })
                    let conv = try layer.convolve(x)
                    let rest = Statistics.median((0..<repeats).map { _ in time { _ = try? layer.activate(conv) } })
                    let flops = Double(layer.flops(input: x.shape))
                    total += seconds + rest
                    let rate = flops / seconds / 1e9
                    print(String(format: "    conv%d %-20@ %7.2f ms %7.1f GFLOP/s %4.0f%% of sgemm   (+ %@ %.2f ms)",
                                 index + 1, "\(x.shape)" as NSString, seconds * 1e3, rate, 100 * rate / peak,
                                 (layer.pool ? "ReLU+pool" : "nothing") as NSString, rest * 1e3))
                    input = try layer.activate(conv)
                }
                let whole = Statistics.median((0..<repeats).map { _ in time { _ = try? net.forward(Tensor(repeating: 0.5, shape: [batch, 3, size, size])) } })
                print(String(format: "    whole backbone: %.2f ms (sum of the parts %.2f ms), output %@", whole * 1e3, total * 1e3,
                             "\(input.shape)" as NSString))
            }
        }
        // Load on a shared machine changes during a run: measure sgemm again and keep the best.
        let after = [1024, 2048].map(sgemmRate).max() ?? 0
        print(String(format: "\nsgemm again at the end: %.1f GFLOP/s (percentages above use %.1f)", after, peak))
        if section == "all" {
            try LightOperatorBenchmark(repeats: repeats).run()
            try LightModelBenchmark(repeats: repeats, batch: batch).run()
        }
    }

    func sgemmRate(_ n: Int) -> Double {
        let a = Tensor(repeating: 0.5, shape: [n, n]), b = Tensor(repeating: 0.25, shape: [n, n])
        var c = Tensor(zeros: [n, n])
        let seconds = Statistics.median((0..<max(3, repeats / 3)).map { _ in
            time {
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            BLAS.parallelSgemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n,
                                       c: cp.baseAddress!, ldc: n)
                        }
                    }
                }
            }
        })
        return 2 * Double(n * n * n) / seconds / 1e9
    }
}

/// The SiamFC AlexNet for inference: each layer is a convolution with its batch norm folded in,
/// then ReLU and pooling where the architecture has them.
struct Backbone {
    struct Layer {
        let weight: Tensor, bias: Tensor
        let stride, groups: Int
        let relu, pool: Bool

        /// The convolution, with the ReLU fused into its bias pass unless a pool follows.
        func convolve(_ x: Tensor) throws -> Tensor {
            try x.conv2d(weight: weight, bias: bias, stride: stride, groups: groups, relu: relu && !pool)
        }

        /// Pooling, with the ReLU fused into it (ReLU and max pooling commute).
        func activate(_ conv: Tensor) throws -> Tensor {
            pool ? try conv.maxPool2d(kernel: 3, stride: 2, relu: relu) : conv
        }

        func forward(_ x: Tensor) throws -> Tensor { try activate(try convolve(x)) }

        func flops(input: [Int]) -> Int {
            let oh = (input[2] - weight.shape[2]) / stride + 1, ow = (input[3] - weight.shape[3]) / stride + 1
            return 2 * input[0] * weight.shape[0] * oh * ow * weight.shape[1] * weight.shape[2] * weight.shape[3]
        }
    }

    let layers: [Layer]

    init(widths w: [Int]) {
        let specs = [(3, w[0], 11, 2, 1, true, true), (w[0], w[1], 5, 1, 2, true, true), (w[1], w[2], 3, 1, 1, true, false),
                     (w[2], w[3], 3, 1, 2, true, false), (w[3], w[4], 3, 1, 2, false, false)]
        layers = specs.map { cin, cout, k, s, g, relu, pool in
            Layer(weight: Tensor(repeating: 0.01, shape: [cout, cin / g, k, k]), bias: Tensor(zeros: [cout]),
                  stride: s, groups: g, relu: relu, pool: pool)
        }
    }

    func forward(_ x: Tensor) throws -> Tensor {
        try layers.reduce(x) { try $1.forward($0) }
    }
}

func time(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}


/// The operators of light tracking networks (NanoTrack, MobileNetV3) on NanoTrack-like shapes:
/// median time per call and GFLOP/s (multiply-adds times two; element-wise operators count one
/// operation per element), forward on tensors and, for the convolutions, forward and backward
/// on variables.
struct LightOperatorBenchmark {
    let repeats: Int

    func report(_ name: String, _ shape: [Int], flops: Int, _ body: () throws -> Void) throws {
        try body()  // warm up: buffer pool, page faults
        var samples: [Double] = []
        for _ in 0..<repeats {
            var failure: Error?
            samples.append(time { do { try body() } catch { failure = error } })
            if let failure { throw failure }
        }
        let seconds = Statistics.median(samples)
        print(String(format: "  %-34@ %-18@ %8.3f ms %7.2f GFLOP/s", name as NSString, "\(shape)" as NSString,
                     seconds * 1e3, Double(flops) / seconds / 1e9))
    }

    func run() throws {
        print("\nLight-network operators (median of \(repeats), \(Parallel.coreCount) cores)")
        var generator = SplitMix64(seed: 7)
        func random(_ shape: [Int]) -> Tensor {
            let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &generator) }
            return (try? Tensor(shape: shape, values: values)) ?? Tensor(zeros: shape)
        }
        let depthwise: [(String, [Int], Int, Int, FusedActivation)] = [
            ("depthwise 3x3 s1 + ReLU6", [1, 96, 32, 32], 3, 1, .relu6),
            ("depthwise 3x3 s2 + ReLU6", [1, 96, 64, 64], 3, 2, .relu6),
            ("depthwise 5x5 s1 + HardSwish", [1, 240, 16, 16], 5, 1, .hardSwish),
            ("depthwise 5x5 s2 + HardSwish", [1, 240, 32, 32], 5, 2, .hardSwish),
        ]
        for (name, shape, k, s, activation) in depthwise {
            let x = random(shape), w = random([shape[1], 1, k, k]), b = random([shape[1]])
            let out = (shape[2] + 2 * (k / 2) - k) / s + 1
            let flops = 2 * shape[1] * out * out * k * k
            try report(name, shape, flops: flops) {
                _ = try x.conv2d(weight: w, bias: b, stride: s, padding: k / 2, groups: shape[1], activation: activation)
            }
            let (xv, wv, bv) = (Variable(x, requiresGrad: true), Variable(w, requiresGrad: true), Variable(b, requiresGrad: true))
            try report("  forward + backward", shape, flops: 3 * flops) {
                let y = try conv2d(xv, weight: wv, bias: bv, stride: s, padding: k / 2, groups: shape[1], activation: activation)
                y.backward(seed: Tensor(repeating: 1, shape: y.shape))
                xv.zeroGrad(); wv.zeroGrad(); bv.zeroGrad()
            }
        }
        let x = random([1, 96, 32, 32]), w = random([192, 96, 1, 1]), b = random([192])
        try report("pointwise 96->192 + HardSwish", x.shape, flops: 2 * 96 * 192 * 32 * 32) {
            _ = try x.conv2d(weight: w, bias: b, activation: .hardSwish)
        }
        let template = random([1, 48, 8, 8]), search = random([1, 48, 16, 16])
        try report("pixel-wise correlation 48x64 . 48x256", search.shape, flops: 2 * 64 * 256 * 48) {
            _ = try Tensor.pixelwiseCorrelation(template: template, search: search)
        }
        let (tv, sv) = (Variable(template, requiresGrad: true), Variable(search, requiresGrad: true))
        try report("  forward + backward", search.shape, flops: 3 * 2 * 64 * 256 * 48) {
            let y = try pixelwiseCorrelation(template: tv, search: sv)
            y.backward(seed: Tensor(repeating: 1, shape: y.shape))
            tv.zeroGrad(); sv.zeroGrad()
        }
        let pooled = random([1, 240]), fc1 = random([60, 240]), bias1 = random([60])
        try report("Gemm 240->60 (SE, transB)", pooled.shape, flops: 2 * 240 * 60) {
            _ = try pooled.gemm(fc1, c: bias1, transposeB: true)
        }
        let features = random([1, 240, 16, 16]), factors = random([1, 240, 1, 1])
        try report("global average pool", features.shape, flops: features.count) { _ = try features.globalAveragePool() }
        try report("channel scaling (SE)", features.shape, flops: features.count) { _ = try features.scalingChannels(by: factors) }
        try report("HardSwish", x.shape, flops: x.count) { _ = x.hardSwish() }
        try report("HardSigmoid", x.shape, flops: x.count) { _ = x.hardSigmoid() }
        let scores = random([1, 2, 16, 16])
        try report("softmax over 2 channels", scores.shape, flops: 512) { _ = try scores.softmax() }
        try report("transpose NCHW -> NHWC", x.shape, flops: x.count) { _ = try x.transposed([0, 2, 3, 1]) }
    }
}
