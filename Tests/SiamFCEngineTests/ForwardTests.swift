import Foundation
import Testing
@testable import SiamFCEngine

/// Forward kernels against direct loops written from the definitions.
@Suite struct ForwardTests {
    /// Direct convolution: out[n,o,y,x] = b[o] + Σ w[o,c,i,j] · in[n, g·Cg + c, y·s − p + i, x·s − p + j].
    func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride s: Int, padding p: Int, groups: Int) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        let og = cout / groups
        var out = Tensor(zeros: [n, cout, oh, ow])
        for b0 in 0..<n { for o in 0..<cout { for y in 0..<oh { for xx in 0..<ow {
            var total = b?[o] ?? 0
            let g = o / og
            for c in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * s - p + i, ix = xx * s - p + j
                if iy >= 0 && iy < h && ix >= 0 && ix < wd { total += w[o, c, i, j] * x[b0, g * cg + c, iy, ix] }
            } } }
            out[b0, o, y, xx] = total
        } } } }
        _ = cin
        return out
    }

    @Test(arguments: [(1, 0, 1), (2, 1, 2), (2, 0, 1), (1, 2, 2), (3, 1, 1)])
    func convolutionMatchesDirectLoops(stride: Int, padding: Int, groups: Int) throws {
        var g = SeededGenerator(seed: 21)
        let x = randomTensor([3, 4, 9, 11], &g), w = randomTensor([6, 4 / groups, 3, 5], &g), b = randomTensor([6], &g)
        let fast = try x.conv2d(weight: w, bias: b, stride: stride, padding: padding, groups: groups)
        let slow = naiveConv(x, w, b, stride: stride, padding: padding, groups: groups)
        #expect(fast.shape == slow.shape)
        #expect(fast.maxAbsDifference(slow) < 1e-4)
    }

    /// Both paths (im2col blocks with BLAS, the implicit kernel reading the input) give the
    /// direct loops' result, including ragged tiles, odd widths and strides.
    @Test(arguments: [(1, 0, 1, 6), (2, 0, 2, 10), (1, 0, 2, 14), (2, 1, 1, 7), (3, 0, 1, 70)])
    func everyKernelMatchesDirectLoops(stride: Int, padding: Int, groups: Int, outChannels: Int) throws {
        var g = SeededGenerator(seed: 30)
        let x = randomTensor([2, 4, 21, 37], &g), w = randomTensor([outChannels, 4 / groups, 3, 5], &g)
        let b = randomTensor([outChannels], &g)
        let geometry = try ConvolutionGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding, groups: groups)
        let slow = naiveConv(x, w, b, stride: stride, padding: padding, groups: groups)
        var kernels: [Convolution.Kernel] = [.blas, .automatic]
        if padding == 0 { kernels.append(.implicit) }
        for kernel in kernels {
            let fast = Convolution.forward(geometry, input: x, weight: w, bias: b, kernel: kernel)
            #expect(fast.maxAbsDifference(slow) < 1e-4, "\(kernel): \(fast.maxAbsDifference(slow))")
            let fused = Convolution.forward(geometry, input: x, weight: w, bias: b, relu: true, kernel: kernel)
            #expect(fused.maxAbsDifference(slow.relu()) < 1e-4, "\(kernel) with ReLU")
        }
    }

    @Test func convolutionRejectsBadShapes() {
        let x = Tensor(zeros: [1, 4, 5, 5])
        #expect(throws: EngineError.self) { try x.conv2d(weight: Tensor(zeros: [6, 3, 3, 3]), groups: 2) }
        #expect(throws: EngineError.self) { try x.conv2d(weight: Tensor(zeros: [6, 4, 7, 7])) }
        #expect(throws: EngineError.self) { try x.conv2d(weight: Tensor(zeros: [6, 4, 3, 3]), bias: Tensor(zeros: [5])) }
        #expect(throws: EngineError.self) { try Tensor(zeros: [4, 5, 5]).conv2d(weight: Tensor(zeros: [6, 4, 3, 3])) }
    }

    @Test func poolingMatchesDirectLoops() throws {
        var g = SeededGenerator(seed: 22)
        let x = randomTensor([3, 2, 9, 7], &g)
        let maxed = try x.maxPool2d(kernel: 3, stride: 2)
        let averaged = try x.avgPool2d(kernel: 2)
        #expect(maxed.shape == [3, 2, 4, 3] && averaged.shape == [3, 2, 4, 3])
        for n in 0..<3 { for c in 0..<2 { for y in 0..<4 { for xx in 0..<3 {
            var m = -Float.infinity
            for i in 0..<3 { for j in 0..<3 { m = max(m, x[n, c, 2 * y + i, 2 * xx + j]) } }
            #expect(maxed[n, c, y, xx] == m)
            let a = (x[n, c, 2 * y, 2 * xx] + x[n, c, 2 * y + 1, 2 * xx] + x[n, c, 2 * y, 2 * xx + 1] + x[n, c, 2 * y + 1, 2 * xx + 1]) / 4
            #expect(abs(averaged[n, c, y, xx] - a) < 1e-6)
        } } } }
    }

    @Test func fusedReLUMatchesSeparatePasses() throws {
        var g = SeededGenerator(seed: 27)
        let x = randomTensor([3, 4, 13, 11], &g), w = randomTensor([6, 2, 3, 3], &g), b = randomTensor([6], &g)
        let fused = try x.conv2d(weight: w, bias: b, stride: 2, groups: 2, relu: true)
        #expect(fused == (try x.conv2d(weight: w, bias: b, stride: 2, groups: 2)).relu())
        let pooled = try x.maxPool2d(kernel: 3, stride: 2, relu: true)
        #expect(pooled == (try x.relu().maxPool2d(kernel: 3, stride: 2)))
    }

    @Test func bothMaxPoolingPathsAgreeAndPropagateNaN() throws {
        var g = SeededGenerator(seed: 28)
        var x = randomTensor([2, 3, 9, 8], &g)
        x[1, 2, 4, 4] = .nan
        let inference = try x.maxPool2d(kernel: 3, stride: 2)
        let training = try maxPool2d(Variable(x, requiresGrad: true), kernel: 3, stride: 2).value
        #expect(inference.shape == [2, 3, 4, 3])
        #expect(inference.scalars.map(\.isNaN) == training.scalars.map(\.isNaN))
        #expect(inference[1, 2, 1, 1].isNaN && inference[1, 2, 2, 2].isNaN && !inference[1, 2, 0, 0].isNaN)
        for (a, b) in zip(inference.scalars, training.scalars) where !a.isNaN { #expect(a == b) }
    }

    @Test func crossCorrelationMatchesDirectLoops() throws {
        var g = SeededGenerator(seed: 23)
        let x = randomTensor([3, 5, 9, 10], &g), z = randomTensor([1, 5, 4, 3], &g), pairs = randomTensor([3, 5, 4, 3], &g)
        let one = try Tensor.crossCorrelation(search: x, exemplar: z, scale: 0.001)
        let each = try Tensor.crossCorrelation(search: x, exemplar: pairs, scale: 2)
        #expect(one.shape == [3, 1, 6, 8] && each.shape == [3, 1, 6, 8])
        for n in 0..<3 { for y in 0..<6 { for xx in 0..<8 {
            var a: Float = 0, b: Float = 0
            for c in 0..<5 { for i in 0..<4 { for j in 0..<3 {
                a += z[0, c, i, j] * x[n, c, y + i, xx + j]
                b += pairs[n, c, i, j] * x[n, c, y + i, xx + j]
            } } }
            #expect(abs(one[n, 0, y, xx] - 0.001 * a) < 1e-6)
            #expect(abs(each[n, 0, y, xx] - 2 * b) < 1e-4)
        } } }
        #expect(throws: EngineError.self) { try Tensor.crossCorrelation(search: x, exemplar: Tensor(zeros: [2, 5, 4, 3])) }
        // Pairs whose exemplar is larger than the search map: the error names one pair's shapes.
        let large = #expect(throws: EngineError.self) {
            try Tensor.crossCorrelation(search: x, exemplar: Tensor(zeros: [3, 5, 10, 3]))
        }
        #expect(large?.message == "conv2d: kernel 10x3 larger than padded input [1, 5, 9, 10]")
    }

    @Test func linearWithoutBiasAndWithEmptyBatch() throws {
        var g = SeededGenerator(seed: 32)
        let x = randomTensor([3, 5], &g), w = randomTensor([4, 5], &g)
        let y = try linear(Variable(x), weight: Variable(w)).value
        #expect(abs(y[2, 3] - (0..<5).map { x[2, $0] * w[3, $0] }.reduce(0, +)) < 1e-5)
        let empty = try linear(Variable(Tensor(zeros: [0, 5])), weight: Variable(w), bias: Variable(Tensor(zeros: [4])))
        #expect(empty.shape == [0, 4])
        #expect(throws: EngineError.self) { try linear(Variable(x), weight: Variable(w), bias: Variable(Tensor(zeros: [5]))) }
    }

    @Test func batchCopiesCheckTheirShapes() throws {
        var g = SeededGenerator(seed: 33)
        let a = randomTensor([2, 3, 4], &g), b = randomTensor([1, 3, 4], &g)
        let joined = try Tensor.concatBatch([a, b])
        #expect(joined.shape == [3, 3, 4] && joined.batchItem(2) == b && joined.batchItem(1) == a.batchItem(1))
        #expect(throws: EngineError.self) { try Tensor.concatBatch([Tensor(1), Tensor(2)]) }
        #expect(throws: EngineError.self) { try Tensor.concatBatch([a, randomTensor([1, 4, 3], &g)]) }
        #expect(throws: EngineError.self) { try Tensor.concatBatch([]) }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func parallelSgemmMatchesOneCall(transposeA: Bool, transposeB: Bool) throws {
        var g = SeededGenerator(seed: 29)
        for (m, n, k) in [(300, 7, 50), (5, 400, 33), (64, 64, 64)] {
            let a = randomTensor(transposeA ? [k, m] : [m, k], &g), b = randomTensor(transposeB ? [n, k] : [k, n], &g)
            var one = randomTensor([m, n], &g)
            var split = one
            let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    one.withUnsafeMutableBufferPointer { cp in
                        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                   a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb, beta: 2, c: cp.baseAddress!, ldc: n)
                    }
                    split.withUnsafeMutableBufferPointer { cp in
                        BLAS.parallelSgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                           a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb, beta: 2, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            #expect(one.maxAbsDifference(split) < 1e-4, "\(m)x\(n)x\(k)")
        }
    }

    @Test func linearMatchesDirectLoops() throws {
        var g = SeededGenerator(seed: 24)
        let x = randomTensor([3, 5], &g), w = randomTensor([4, 5], &g), b = randomTensor([4], &g)
        let y = try linear(Variable(x), weight: Variable(w), bias: Variable(b)).value
        for n in 0..<3 { for o in 0..<4 {
            var total = b[o]
            for i in 0..<5 { total += x[n, i] * w[o, i] }
            #expect(abs(y[n, o] - total) < 1e-5)
        } }
    }

    @Test func batchNormTrainingNormalisesAndUpdatesRunningStatistics() throws {
        var g = SeededGenerator(seed: 25)
        let x = randomTensor([3, 2, 5, 7], &g, range: 2...6)
        let layer = BatchNorm2d(2, epsilon: 1e-5, momentum: 0.1)
        let y = try layer(Variable(x)).value
        for c in 0..<2 {
            var values: [Float] = [], outputs: [Float] = []
            for n in 0..<3 { for i in 0..<5 { for j in 0..<7 { values.append(x[n, c, i, j]); outputs.append(y[n, c, i, j]) } } }
            let m = values.reduce(0, +) / Float(values.count)
            let unbiased = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(values.count - 1)
            let outMean = outputs.reduce(0, +) / Float(outputs.count)
            let outVar = outputs.map { $0 * $0 }.reduce(0, +) / Float(outputs.count)
            #expect(abs(outMean) < 1e-5 && abs(outVar - 1) < 1e-3)
            #expect(abs(layer.runningMean.value[c] - 0.1 * m) < 1e-5)
            #expect(abs(layer.runningVar.value[c] - (0.9 + 0.1 * unbiased)) < 1e-5)
        }
    }

    @Test func foldedBatchNormEqualsConvolutionThenBatchNorm() throws {
        var g = SeededGenerator(seed: 26)
        let conv = Conv2d(4, 6, kernel: 3, stride: 2, groups: 2, using: &g)
        let bn = BatchNorm2d(6, epsilon: 1e-6)
        bn.runningMean.value = randomTensor([6], &g)
        bn.runningVar.value = randomTensor([6], &g, range: 0.2...3)
        bn.gamma.value = randomTensor([6], &g)
        bn.beta.value = randomTensor([6], &g)
        bn.setTraining(false)
        let x = randomTensor([3, 4, 9, 11], &g)
        let reference = try bn(try conv(Variable(x))).value
        let (w, b) = try bn.folded(into: conv)
        let folded = try x.conv2d(weight: w, bias: b, stride: 2, groups: 2)
        #expect(folded.maxAbsDifference(reference) < 1e-4)
    }

    @Test func lossValues() throws {
        // Contrastive: similar pair at distance 5 → 25; dissimilar at distance 1 with margin 2 → (2-1)² = 1;
        // dissimilar at distance 3 → 0. L = (25 + 1 + 0) / (2·3).
        let a = try Tensor(shape: [3, 2], values: [0, 0, 0, 0, 0, 0])
        let b = try Tensor(shape: [3, 2], values: [3, 4, 1, 0, 0, 3])
        let contrastive = try contrastiveLoss(Variable(a), Variable(b), similar: Tensor(vector: [1, 0, 0]), margin: 2)
        #expect(abs(contrastive.value.item - 26 / 6) < 1e-6)
        // BCE: logit 0 → log 2 for either target; logit 2, target 1 → log(1 + e⁻²).
        let logits = Tensor(vector: [0, 2]), targets = Tensor(vector: [1, 1])
        let bce = try binaryCrossEntropyWithLogits(Variable(logits), targets: targets, weights: Tensor(vector: [0.25, 0.75]), reduction: .sum)
        let expected: Float = 0.25 * logf(2) + 0.75 * logf(1 + expf(-2))
        #expect(abs(bce.value.item - expected) < 1e-6)
        // Triplet: d(a,p) ≈ 1, d(a,n) ≈ 3, margin 1 → 0; margin 3 → 1.
        let anchor = try Tensor(shape: [1, 2], values: [0, 0])
        let positive = try Tensor(shape: [1, 2], values: [1, 0]), negative = try Tensor(shape: [1, 2], values: [0, 3])
        let t1 = try tripletMarginLoss(anchor: Variable(anchor), positive: Variable(positive), negative: Variable(negative), margin: 1)
        let t3 = try tripletMarginLoss(anchor: Variable(anchor), positive: Variable(positive), negative: Variable(negative), margin: 3)
        #expect(t1.value.item == 0)
        #expect(abs(t3.value.item - 1) < 1e-4)
        let mse = try meanSquaredError(Variable(Tensor(vector: [1, 2, 3])), target: Tensor(vector: [1, 0, 0]))
        #expect(abs(mse.value.item - 13 / 3) < 1e-6)
    }
}
