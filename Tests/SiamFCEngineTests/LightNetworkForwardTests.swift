import CKernels
import Foundation
import Testing
@testable import SiamFCEngine

/// The forward kernels of the light-network operators against direct loops written from the
/// definitions, and their shape errors.
@Suite struct LightNetworkForwardTests {
    /// Depthwise convolution, one filter per channel, then the activation.
    func naiveDepthwise(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: Int, padding p: Int,
                        activation: FusedActivation) -> Tensor {
        let (n, c, h, wd, k) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[2])
        let oh = (h + 2 * p - k) / s + 1, ow = (wd + 2 * p - k) / s + 1
        var out = Tensor(zeros: [n, c, oh, ow])
        for b0 in 0..<n { for ch in 0..<c { for y in 0..<oh { for xx in 0..<ow {
            var total: Float = 0
            for i in 0..<k { for j in 0..<k {
                let iy = y * s - p + i, ix = xx * s - p + j
                if iy >= 0 && iy < h && ix >= 0 && ix < wd { total += w[ch, 0, i, j] * x[b0, ch, iy, ix] }
            } }
            out[b0, ch, y, xx] = activation.apply(total + (b?[ch] ?? 0))
        } } } }
        return out
    }

    /// Both the AVX2 kernel (when the CPU has it) and the portable loops, through `conv2d` and
    /// directly, on maps with ragged vector tiles and row blocks.
    @Test(arguments: [(3, 1), (3, 2), (5, 1), (5, 2), (7, 1), (4, 2)])
    func depthwiseMatchesDirectLoops(kernel: Int, stride: Int) throws {
        var g = SeededGenerator(seed: UInt64(70 + kernel * 2 + stride))
        for (h, w) in [(5, 7), (13, 37), (kernel, kernel), (19, 9)] {
            let x = randomTensor([2, 3, h, w], &g, range: -4...4), wt = randomTensor([3, 1, kernel, kernel], &g)
            let b = randomTensor([3], &g)
            for activation in FusedActivation.allCases {
                let slow = naiveDepthwise(x, wt, b, stride: stride, padding: kernel / 2, activation: activation)
                let fast = try x.conv2d(weight: wt, bias: b, stride: stride, padding: kernel / 2, groups: 3,
                                        activation: activation)
                #expect(fast.shape == slow.shape)
                #expect(fast.maxAbsDifference(slow) < 1e-4, "\(h)x\(w) \(activation): \(fast.maxAbsDifference(slow))")
                let geometry = try ConvolutionGeometry(input: x.shape, weight: wt.shape, stride: stride,
                                                       padding: kernel / 2, groups: 3)
                let portable = DepthwiseConvolution.forward(geometry, input: x, weight: wt, bias: b,
                                                            activation: activation, portable: true)
                #expect(portable.maxAbsDifference(slow) < 1e-4, "portable \(h)x\(w) \(activation)")
            }
            // Without padding and without bias, and with ReLU through the original entry point.
            guard h >= kernel && w >= kernel else { continue }
            let unpadded = try x.conv2d(weight: wt, stride: stride, groups: 3, relu: true)
            #expect(unpadded.maxAbsDifference(naiveDepthwise(x, wt, nil, stride: stride, padding: 0, activation: .relu)) < 1e-4)
        }
    }

    /// The vector kernel computes each output as one chain of fused multiply-adds in (ky, kx)
    /// order from zero, then adds the bias: what OpenCV's dnn does, which NanoTrack's boxes need
    /// to the bit; at stride 1 on rows of whole vectors it reads the plane without a padded copy,
    /// and leaving out the taps in the padding must not change a bit either. Ragged widths,
    /// heights that leave a partial row group, every padding up to past the kernel's half.
    @Test func depthwiseVectorKernelIsOneFusedChainPerOutput() {
        guard sfc_depthwise_available() != 0 else { return }
        var g = SeededGenerator(seed: 71)
        for (h, w) in [(1, 1), (5, 7), (16, 16), (13, 37), (19, 9), (32, 32), (4, 40), (19, 24), (6, 16), (2, 16), (1, 8)] {
            for kernel in [3, 5, 7] { for stride in [1, 2] { for padding in 0...(kernel / 2 + 1) {
                let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
                guard h + 2 * padding >= kernel, w + 2 * padding >= kernel else { continue }
                let x = (0..<h * w).map { _ in Float.random(in: -4...4, using: &g) }
                let weight = (0..<kernel * kernel).map { _ in Float.random(in: -1...1, using: &g) }
                let bias = Float.random(in: -1...1, using: &g)
                var expected = [Float](repeating: 0, count: oh * ow)
                for oy in 0..<oh { for ox in 0..<ow {
                    var sum: Float = 0
                    for ky in 0..<kernel { for kx in 0..<kernel {
                        let iy = oy * stride + ky - padding, ix = ox * stride + kx - padding
                        let value: Float = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[iy * w + ix] : 0
                        sum = sum.addingProduct(weight[ky * kernel + kx], value)
                    } }
                    expected[oy * ow + ox] = max(sum + bias, 0)
                } }
                var out = [Float](repeating: .nan, count: oh * ow)
                var scratch = [Float](repeating: .nan, count: sfc_depthwise_scratch_size(Int32(h), Int32(w), Int32(kernel), Int32(stride), Int32(padding)))
                sfc_depthwise_plane(x, Int32(h), Int32(w), weight, Int32(kernel), Int32(stride), Int32(padding), bias,
                                    Int32(SFC_ACTIVATION_RELU), &out, &scratch)
                #expect(out == expected, "\(h)x\(w) kernel \(kernel) stride \(stride) padding \(padding)")
            } } }
        }
    }

    @Test func depthwiseRunsTheVectorKernelOnAVX2Machines() {
        #expect(DepthwiseConvolution.vectorized == (sfc_small_gemm_available() != 0))
    }

    @Test(arguments: FusedActivation.allCases)
    func pointwiseAndDenseConvolutionsWithActivations(activation: FusedActivation) throws {
        var g = SeededGenerator(seed: 80)
        let x = randomTensor([2, 5, 9, 11], &g, range: -3...3), w = randomTensor([7, 5, 1, 1], &g)
        let b = randomTensor([7], &g)
        let slow = ForwardTests().naiveConv(x, w, b, stride: 1, padding: 0, groups: 1).map { activation.apply($0) }
        let fast = try x.conv2d(weight: w, bias: b, activation: activation)
        #expect(fast.maxAbsDifference(slow) < 1e-4)
        // The implicit kernel (unpadded 3x3) and the BLAS path (padded), with the activation after.
        let w3 = randomTensor([6, 5, 3, 3], &g), b6 = randomTensor([6], &g)
        for padding in [0, 1] {
            let reference = ForwardTests().naiveConv(x, w3, b6, stride: 1, padding: padding, groups: 1)
            let y = try x.conv2d(weight: w3, bias: b6, padding: padding, activation: activation)
            #expect(y.maxAbsDifference(reference.map { activation.apply($0) }) < 1e-4)
        }
    }

    @Test func elementwiseActivationsMatchTheirDefinitions() throws {
        var g = SeededGenerator(seed: 81)
        let x = randomTensor([3, 4, 5, 7], &g, range: -8...8)
        #expect(try x.clipped(min: -1.5, max: 2) == x.map { min(max($0, -1.5), 2) })
        #expect(x.relu6() == x.map { min(max($0, 0), 6) })
        #expect(x.hardSwish().maxAbsDifference(x.map { $0 * min(max($0 + 3, 0), 6) / 6 }) < 1e-6)
        #expect(x.hardSigmoid().maxAbsDifference(x.map { max(0, min(1, 0.2 * $0 + 0.5)) }) < 1e-6)
        #expect(x.hardSigmoid(alpha: 0.3, beta: 0.1).maxAbsDifference(x.map { max(0, min(1, 0.3 * $0 + 0.1)) }) < 1e-6)
        #expect(x.sigmoid().maxAbsDifference(x.map { Float(1 / (1 + Foundation.exp(-Double($0)))) }) < 1e-6)
        #expect(x.exp().maxAbsDifference(x.map { Float(Foundation.exp(Double($0))) }) < 1e-6 * 3000)
        #expect(throws: EngineError.self) { try x.clipped(min: 1, max: 0) }
        #expect(throws: EngineError.self) { try x.clipped(min: .nan, max: 0) }
    }

    @Test func softmaxMatchesDirectLoopsAndIsStable() throws {
        var g = SeededGenerator(seed: 82)
        let x = randomTensor([3, 5, 4, 300], &g, range: -5...5)  // more than one block of pixels
        let y = try x.softmax()
        var worst: Float = 0
        for n in 0..<3 { for i in 0..<4 { for j in 0..<300 {
            let total = (0..<5).reduce(0.0) { $0 + Foundation.exp(Double(x[n, $1, i, j])) }
            for c in 0..<5 { worst = max(worst, abs(y[n, c, i, j] - Float(Foundation.exp(Double(x[n, c, i, j])) / total))) }
        } } }
        #expect(worst < 1e-6)
        let large = try Tensor(shape: [1, 3, 1, 1], values: [1000, 1001, 1002]).softmax()
        #expect(large.scalars.allSatisfy { $0.isFinite })
        #expect(abs(large.scalars.reduce(0, +) - 1) < 1e-6 && large[0, 2, 0, 0] > large[0, 1, 0, 0])
        #expect(throws: EngineError.self) { try x.softmax(axis: 4) }
        #expect(throws: EngineError.self) { try x.softmax(axis: -5) }
    }

    @Test func poolingScalingAndResidualMatchDirectLoops() throws {
        var g = SeededGenerator(seed: 83)
        let x = randomTensor([3, 4, 5, 7], &g), s = randomTensor([3, 4, 1, 1], &g), other = randomTensor([3, 4, 5, 7], &g)
        let pooled = try x.globalAveragePool(), scaled = try x.scalingChannels(by: s), sum = try x.adding(other)
        #expect(pooled.shape == [3, 4, 1, 1] && scaled.shape == x.shape)
        for n in 0..<3 { for c in 0..<4 {
            var total: Float = 0
            for i in 0..<5 { for j in 0..<7 {
                total += x[n, c, i, j]
                #expect(scaled[n, c, i, j] == x[n, c, i, j] * s[n, c, 0, 0])
                #expect(sum[n, c, i, j] == x[n, c, i, j] + other[n, c, i, j])
            } }
            #expect(abs(pooled[n, c, 0, 0] - total / 35) < 1e-6)
        } }
        #expect(throws: EngineError.self) { try Tensor(zeros: [3, 4, 5]).globalAveragePool() }
        #expect(throws: EngineError.self) { try Tensor(zeros: [3, 4, 0, 5]).globalAveragePool() }
        #expect(throws: EngineError.self) { try x.scalingChannels(by: Tensor(zeros: [3, 4])) }
        #expect(throws: EngineError.self) { try x.scalingChannels(by: Tensor(zeros: [1, 4, 1, 1])) }
        #expect(throws: EngineError.self) { try x.adding(Tensor(zeros: [3, 4, 7, 5])) }
        #expect(throws: EngineError.self) { try Variable(x) + Variable(Tensor(zeros: [3, 4, 7, 5])) }
    }

    /// `op(A) · op(B)` for one item, from the definition.
    func naiveProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var total: Float = 0
            for p in 0..<k { total += (transposeA ? a[p * m + i] : a[i * k + p]) * (transposeB ? b[j * k + p] : b[p * n + j]) }
            c[i * n + j] = total
        } }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulMatchesDirectLoops(transposeA: Bool, transposeB: Bool) throws {
        var g = SeededGenerator(seed: 84)
        let (m, n, k) = (9, 13, 7)
        let a = randomTensor([2, 3] + (transposeA ? [k, m] : [m, k]), &g)
        let b = randomTensor([2, 3] + (transposeB ? [n, k] : [k, n]), &g)
        let shared = randomTensor(transposeB ? [n, k] : [k, n], &g)
        let c = try a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB)
        let cShared = try a.matmul(shared, transposeSelf: transposeA, transposeOther: transposeB)
        #expect(c.shape == [2, 3, m, n] && cShared.shape == [2, 3, m, n])
        let (sa, sb, sc, ss, scs) = (a.scalars, b.scalars, c.scalars, shared.scalars, cShared.scalars)
        for item in 0..<6 {
            let ai = Array(sa[(item * m * k)..<((item + 1) * m * k)]), bi = Array(sb[(item * k * n)..<((item + 1) * k * n)])
            let expected = naiveProduct(ai, bi, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
            let expectedShared = naiveProduct(ai, ss, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
            for i in 0..<(m * n) {
                #expect(abs(sc[item * m * n + i] - expected[i]) < 1e-5)
                #expect(abs(scs[item * m * n + i] - expectedShared[i]) < 1e-5)
            }
        }
        #expect(throws: EngineError.self) { try a.matmul(Tensor(zeros: [2, 3, 6, 4])) }
        #expect(throws: EngineError.self) { try a.matmul(Tensor(zeros: [3, 2] + (transposeB ? [n, k] : [k, n])), transposeSelf: transposeA, transposeOther: transposeB) }
        #expect(throws: EngineError.self) { try Tensor(zeros: [5]).matmul(Tensor(zeros: [5, 2])) }
    }

    @Test func gemmMatchesDirectLoops() throws {
        var g = SeededGenerator(seed: 85)
        let a = randomTensor([7, 3], &g), b = randomTensor([5, 7], &g)  // Aᵀ: 3x7, Bᵀ: 7x5
        let base = naiveProduct(a.scalars, b.scalars, m: 3, n: 5, k: 7, transposeA: true, transposeB: true)
        for cShape in [[], [1], [5], [1, 5], [3, 1], [3, 5]] {
            let c = randomTensor(cShape, &g)
            let y = try a.gemm(b, c: c, alpha: 0.5, beta: 2, transposeA: true, transposeB: true)
            let cs = c.scalars
            for i in 0..<3 { for j in 0..<5 {
                let addend: Float = cs.count == 1 ? cs[0] : (cShape == [3, 1] ? cs[i] : (cs.count == 5 ? cs[j] : cs[i * 5 + j]))
                #expect(abs(y[i, j] - (0.5 * base[i * 5 + j] + 2 * addend)) < 1e-5, "C \(cShape)")
            } }
        }
        let noC = try a.gemm(b, transposeA: true, transposeB: true)
        #expect(noC.maxAbsDifference(try Tensor(shape: [3, 5], values: base)) < 1e-5)
        // linear is Gemm with transB and a bias row.
        let x = randomTensor([4, 7], &g), w = randomTensor([5, 7], &g), bias = randomTensor([5], &g)
        let viaLinear = try linear(Variable(x), weight: Variable(w), bias: Variable(bias)).value
        #expect(try x.gemm(w, c: bias, transposeB: true).maxAbsDifference(viaLinear) < 1e-5)
        #expect(throws: EngineError.self) { try a.gemm(b, c: Tensor(zeros: [5, 3]), transposeA: true, transposeB: true) }
        #expect(throws: EngineError.self) { try a.gemm(b, c: Tensor(zeros: [3]), transposeA: true, transposeB: true) }
        #expect(throws: EngineError.self) { try a.gemm(b) }
        #expect(throws: EngineError.self) { try Tensor(zeros: [2, 3, 7]).gemm(b) }
    }

    @Test func transposeMatchesIndexMapping() throws {
        var g = SeededGenerator(seed: 86)
        let x = randomTensor([3, 4, 5, 7], &g)
        let nhwc = try x.transposed([0, 2, 3, 1])
        #expect(nhwc.shape == [3, 5, 7, 4])
        for n in 0..<3 { for c in 0..<4 { for i in 0..<5 { for j in 0..<7 { #expect(nhwc[n, i, j, c] == x[n, c, i, j]) } } } }
        let odd = try x.transposed([3, 1, 0, 2])
        for n in 0..<3 { for c in 0..<4 { for i in 0..<5 { for j in 0..<7 { #expect(odd[j, c, n, i] == x[n, c, i, j]) } } } }
        let m = randomTensor([5, 7], &g), mt = try m.transposed([1, 0])
        for i in 0..<5 { for j in 0..<7 { #expect(mt[j, i] == m[i, j]) } }
        #expect(try x.transposed([0, 1, 2, 3]) == x)
        #expect(try nhwc.transposed([0, 3, 1, 2]) == x)
        #expect(throws: EngineError.self) { try x.transposed([0, 1, 2]) }
        #expect(throws: EngineError.self) { try x.transposed([0, 1, 1, 2]) }
        #expect(throws: EngineError.self) { try x.transposed([0, 1, 2, 4]) }
    }

    @Test func pixelwiseCorrelationMatchesDirectLoops() throws {
        var g = SeededGenerator(seed: 87)
        let template = randomTensor([2, 6, 3, 3], &g), search = randomTensor([2, 6, 5, 7], &g)
        let y = try Tensor.pixelwiseCorrelation(template: template, search: search)
        #expect(y.shape == [2, 9, 5, 7])
        var worst: Float = 0
        for n in 0..<2 { for t in 0..<9 { for i in 0..<5 { for j in 0..<7 {
            var total: Float = 0
            for c in 0..<6 { total += template[n, c, t / 3, t % 3] * search[n, c, i, j] }
            worst = max(worst, abs(y[n, t, i, j] - total))
        } } } }
        #expect(worst < 1e-5)
        // NanoTrack's shapes: 8x8 template against a 16x16 search region.
        let k = randomTensor([1, 48, 8, 8], &g), s = randomTensor([1, 48, 16, 16], &g)
        #expect(try Tensor.pixelwiseCorrelation(template: k, search: s).shape == [1, 64, 16, 16])
        #expect(throws: EngineError.self) { try Tensor.pixelwiseCorrelation(template: k, search: Tensor(zeros: [1, 47, 16, 16])) }
        #expect(throws: EngineError.self) { try Tensor.pixelwiseCorrelation(template: k, search: Tensor(zeros: [2, 48, 16, 16])) }
        #expect(throws: EngineError.self) { try pixelwiseCorrelation(template: Variable(k), search: Variable(Tensor(zeros: [48, 16, 16]))) }
    }
}
