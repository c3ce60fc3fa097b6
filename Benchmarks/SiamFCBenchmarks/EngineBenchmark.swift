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

    func run() throws {
        print("threads: \(Parallel.coreCount) cores; sgemm split over them by the engine, one BLAS thread each")
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

