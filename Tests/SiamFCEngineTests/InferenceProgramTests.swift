import CKernels
import Dispatch
import Foundation
import SiamFCSupport
import Testing
@testable import SiamFCEngine

/// The planned-inference kernels (CKernels' pointwise convolution, padded rows, element-wise
/// maps) against plain loops, vector and portable, and ``InferenceProgram`` against running its
/// steps one by one on tensors.
@Suite struct InferenceProgramTests {
    /// `act(bias + W x) + residual` per image, from the definition.
    func naivePointwise(_ w: [Float], _ x: [Float], bias: [Float]?, residual: [Float]?, m: Int, k: Int, plane: Int,
                        activation: FusedActivation) -> [Float] {
        var out = [Float](repeating: 0, count: m * plane)
        for o in 0..<m {
            for p in 0..<plane {
                var total: Float = 0
                for i in 0..<k { total += w[o * k + i] * x[i * plane + p] }
                out[o * plane + p] = activation.apply(total + (bias?[o] ?? 0)) + (residual?[o * plane + p] ?? 0)
            }
        }
        return out
    }

    @Test(arguments: [(1, 1, 1), (5, 3, 17), (7, 13, 33), (13, 2, 15), (16, 24, 64), (6, 40, 7)])
    func pointwiseKernelMatchesLoops(m: Int, k: Int, plane: Int) {
        var g = SeededGenerator(seed: UInt64(m * 1000 + k * 10 + plane))
        let w = (0..<m * k).map { _ in Float.random(in: -1...1, using: &g) }
        let x = (0..<k * plane).map { _ in Float.random(in: -3...3, using: &g) }
        let bias = (0..<m).map { _ in Float.random(in: -1...1, using: &g) }
        let residual = (0..<m * plane).map { _ in Float.random(in: -1...1, using: &g) }
        var packed = [Float](repeating: .nan, count: sfc_small_gemm_packed_size(Int32(m), Int32(k)))
        sfc_small_gemm_pack(Int32(m), Int32(k), w, Int32(k), &packed)
        let panels = (m + 5) / 6
        let inputScale = (0..<k).map { _ in Float.random(in: -2...2, using: &g) }
        for activation in FusedActivation.allCases {
            for withExtras in [false, true] {
                // With extras: bias, residual, and the input scaled per channel through the activation.
                let input = withExtras ? x.indices.map { activation.apply(x[$0] * inputScale[$0 / plane]) } : x
                let expected = naivePointwise(w, input, bias: withExtras ? bias : nil, residual: withExtras ? residual : nil,
                                              m: m, k: k, plane: plane, activation: activation)
                for portable in [Int32(1), 0] {
                    var out = [Float](repeating: .nan, count: m * plane)
                    // Two pixel ranges (one ragged) and two panel ranges, as chunks cut them.
                    let cut = min(plane, 16), panelCut = panels / 2
                    for (p0, p1) in [(0, cut), (cut, plane)] where p0 < p1 {
                        for (q0, q1) in [(0, panelCut), (panelCut, panels)] where q0 < q1 {
                            sfc_pointwise_conv(Int32(k), packed, Int32(q0), Int32(q1), Int32(m), x, withExtras ? inputScale : nil,
                                               activation.code, Int32(plane), Int32(p0),
                                               Int32(p1), withExtras ? bias : nil, activation.code,
                                               withExtras ? residual : nil, &out, portable)
                        }
                    }
                    let error = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
                    #expect(error < 1e-4, "m \(m) k \(k) plane \(plane) \(activation) portable \(portable): \(error)")
                }
            }
        }
    }

    @Test func paddedRowsAreExactCopies() {
        var g = SeededGenerator(seed: 91)
        for (width, padding, stride) in [(7, 0, 1), (20, 1, 2), (37, 2, 2), (37, 1, 3), (5, 3, 2), (40, 1, 2)] {
            let (channels, height) = (2, 6)
            let input = (0..<channels * height * width).map { _ in Float.random(in: -1...1, using: &g) }
            let length = sfc_padded_row_length(Int32(width), Int32(padding), Int32(stride))
            let phase = length / stride
            for (iy0, rows) in [(0, 3), (2, 5), (height + 2 * padding - 2, 4)] {
                var expected = [Float](repeating: 0, count: channels * rows * length)
                for c in 0..<channels {
                    for r in 0..<rows {
                        for q in 0..<stride {
                            for x in 0..<phase {
                                let (iy, ix) = (iy0 + r - padding, x * stride + q - padding)
                                guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                                expected[(c * rows + r) * length + q * phase + x] = input[(c * height + iy) * width + ix]
                            }
                        }
                    }
                }
                for portable in [Int32(1), 0] {
                    var out = [Float](repeating: .nan, count: channels * rows * length)
                    sfc_padded_rows(input, Int32(channels), Int32(height), Int32(width), Int32(padding), Int32(stride),
                                    Int32(iy0), Int32(rows), &out, portable)
                    #expect(out == expected, "width \(width) padding \(padding) stride \(stride) rows \(iy0)+\(rows)")
                }
            }
        }
    }

    @Test func elementwiseKernelsGiveTheSameBitsVectorOrNot() {
        var g = SeededGenerator(seed: 92)
        let count = 37
        let a = (0..<count).map { _ in Float.random(in: -8...8, using: &g) }
        let b = (0..<count).map { _ in Float.random(in: -8...8, using: &g) }
        let scale: [Float] = [0.5, -1.25, 3]
        for activation in FusedActivation.allCases {
            var results: [[Float]] = []
            for portable in [Int32(1), 0] {
                var sum = [Float](repeating: 0, count: count), scaled = sum, activated = sum
                sfc_add(a, b, count, activation.code, &sum, portable)
                sfc_scale_channels(a, scale, 3, 12, activation.code, &scaled, portable)
                sfc_activate(a, count, activation.code, &activated, portable)
                #expect(sum == zip(a, b).map { activation.apply($0 + $1) })
                #expect(Array(scaled.prefix(36)) == (0..<36).map { activation.apply(a[$0] * scale[$0 / 12]) })
                #expect(activated == a.map(activation.apply))
                results.append(sum + scaled + activated)
            }
            #expect(results[0] == results[1])
        }
    }

    /// A step that computes `body` on tensors (planned kernel chosen from `operation`).
    static func step(_ label: String, _ operation: InferenceOperation, _ inputs: [Int?], _ output: Int,
                     _ body: @escaping @Sendable ([Tensor]) throws -> Tensor) -> InferenceStep {
        InferenceStep(label: label, operation: operation, inputs: inputs, output: output) { values throws(EngineError) in
            do { return try body(values.compactMap { $0 }) } catch let error as EngineError { throw error } catch {
                throw EngineError("\(error)")
            }
        }
    }

    /// Runs the steps one by one on tensors: the reference for a program.
    static func reference(_ steps: [InferenceStep], slots: Int, constants: [Int: Tensor], inputs: [Int: Tensor]) throws
        -> ([Tensor?], [[Int]?])
    {
        var values = [Tensor?](repeating: nil, count: slots)
        for (slot, value) in constants { values[slot] = value }
        for (slot, value) in inputs { values[slot] = value }
        for step in steps { values[step.output] = try step.fallback(step.inputs.map { $0.flatMap { values[$0] } }) }
        return (values, values.map { $0?.shape })
    }

    @Test(arguments: [(3, 5, 3, 2, 1), (4, 6, 5, 1, 2), (2, 7, 1, 2, 0), (3, 4, 3, 3, 1), (1, 13, 3, 1, 0)])
    func convolutionsMatchConv2d(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) throws {
        var g = SeededGenerator(seed: UInt64(inChannels * 100 + outChannels * 10 + kernel + stride + padding))
        for (h, w) in [(13, 11), (kernel, kernel + 4), (20, 37)] {
            let x = randomTensor([2, inChannels, h, w], &g, range: -3...3)
            let weight = randomTensor([outChannels, inChannels, kernel, kernel], &g), bias = randomTensor([outChannels], &g)
            let depthwise = randomTensor([inChannels, 1, kernel, kernel], &g)
            for activation in FusedActivation.allCases {
                let dense = Self.step("dense", .convolution(weight: weight, bias: bias, stride: stride, padding: padding, groups: 1,
                                                           activation: activation), [0], 1) {
                    try $0[0].conv2d(weight: weight, bias: bias, stride: stride, padding: padding, activation: activation)
                }
                let perChannel = Self.step("depthwise", .convolution(weight: depthwise, bias: nil, stride: stride, padding: padding,
                                                                     groups: inChannels, activation: activation), [0], 2) {
                    try $0[0].conv2d(weight: depthwise, stride: stride, padding: padding, groups: inChannels, activation: activation)
                }
                let steps = inChannels > 1 && kernel > 1 ? [dense, perChannel] : [dense]
                let program = InferenceProgram(steps: steps, slotCount: 3, constants: [:], inputs: [0],
                                               outputs: steps.map(\.output))
                let (expected, shapes) = try Self.reference(steps, slots: 3, constants: [:], inputs: [0: x])
                let outputs = try program.run([x]) { shapes }.outputs
                for (output, slot) in zip(outputs, steps.map(\.output)) {
                    let error = output.maxAbsDifference(try #require(expected[slot]))
                    #expect(error < 1e-4, "\(h)x\(w) \(activation) slot \(slot): \(error)")
                }
            }
        }
    }

    /// A squeeze-and-excitation block with a residual convolution: every fusion of the planner.
    static func block() -> (InferenceProgram, [InferenceStep], [Int: Tensor]) {
        var g = SeededGenerator(seed: 93)
        let (c, hidden) = (12, 4)
        let w1 = randomTensor([c, c, 1, 1], &g), b1 = randomTensor([c], &g)
        let fc1 = randomTensor([hidden, c], &g), fc2 = randomTensor([c, hidden], &g), fcBias = randomTensor([c], &g)
        let w2 = randomTensor([c, c, 1, 1], &g)
        let constants: [Int: Tensor] = [20: fc1, 21: fc2, 22: fcBias]
        let steps: [InferenceStep] = [
            step("pw1", .convolution(weight: w1, bias: b1, stride: 1, padding: 0, groups: 1, activation: .relu6), [0], 1) {
                try $0[0].conv2d(weight: w1, bias: b1, activation: .relu6)
            },
            step("pool", .globalAveragePool, [1], 2) { try $0[0].globalAveragePool() },
            step("flat", .view, [2], 3) { try $0[0].reshaped([$0[0].shape[0], c]) },
            step("fc1", .gemm(alpha: 1, beta: 1, transposeA: false, transposeB: true), [3, 20], 4) {
                try $0[0].gemm($0[1], transposeB: true)
            },
            step("relu", .elementwise(.activation(.relu)), [4], 5) { $0[0].activated(.relu) },
            step("fc2", .gemm(alpha: 1, beta: 1, transposeA: false, transposeB: true), [5, 21, 22], 6) {
                try $0[0].gemm($0[1], c: $0[2], transposeB: true)
            },
            step("gate", .elementwise(.hardSigmoid(alpha: 0.2, beta: 0.5)), [6], 7) { $0[0].hardSigmoid() },
            step("unflat", .view, [7], 8) { try $0[0].reshaped([$0[0].shape[0], c, 1, 1]) },
            step("scale", .multiply, [1, 8], 9) { try $0[0].scalingChannels(by: $0[1]) },
            step("swish", .elementwise(.activation(.hardSwish)), [9], 10) { $0[0].activated(.hardSwish) },
            step("pw2", .convolution(weight: w2, bias: nil, stride: 1, padding: 0, groups: 1, activation: .none), [10], 11) {
                try $0[0].conv2d(weight: w2)
            },
            step("residual", .add, [0, 11], 12) { try $0[0].adding($0[1]) },
            step("exp", .elementwise(.exp), [12], 13) { $0[0].exp() },
        ]
        return (InferenceProgram(steps: steps, slotCount: 23, constants: constants, inputs: [0], outputs: [13, 7]), steps, constants)
    }

    @Test func programFusesAndMatchesItsSteps() throws {
        let (program, steps, constants) = Self.block()
        var g = SeededGenerator(seed: 94)
        for shape in [[1, 12, 9, 11], [2, 12, 33, 20]] {
            let x = randomTensor(shape, &g, range: -2...2)
            let (expected, shapes) = try Self.reference(steps, slots: 23, constants: constants, inputs: [0: x])
            let outputs = try program.run([x]) { shapes }.outputs
            // Exp magnifies the convolutions' rounding: compare relative to the largest value.
            let reference = try #require(expected[13])
            let scale = reference.scalars.map(abs).max() ?? 1
            #expect(outputs[0].maxAbsDifference(reference) / scale < 1e-5, "\(shape): \(outputs[0].maxAbsDifference(reference)) of \(scale)")
            #expect(outputs[1].maxAbsDifference(try #require(expected[7])) < 1e-5)
            // Gemm+Relu, Gemm+HardSigmoid, Mul+HardSwish read into the convolution after it, its
            // residual Add (and the Exp when the convolution runs in one chunk); views cost nothing.
            let planned = try #require(program.plannedSteps(for: [shape]))
            #expect(planned == [[0], [1], [3, 4], [5, 6]] + (shape[0] == 1 ? [[8, 9, 10, 11, 12]] : [[8, 9, 10, 11], [12]]))
            // Repeatable to the bit, also with the steps one after the other (timed).
            let again = try program.run([x]) { shapes }
            #expect(again.outputs == outputs)
            let timed = try program.run([x], timed: true) { shapes }
            #expect(timed.outputs == outputs && timed.timings.count == planned.count && timed.timings.allSatisfy { $0.seconds >= 0 })
        }
    }

    @Test func concurrentRunsGiveTheSameBits() throws {
        let (program, steps, constants) = Self.block()
        var g = SeededGenerator(seed: 95)
        let x = randomTensor([1, 12, 40, 40], &g)
        let (_, shapes) = try Self.reference(steps, slots: 23, constants: constants, inputs: [0: x])
        let expected = try program.run([x]) { shapes }.outputs
        let results = (0..<8).map { $0 }.concurrentMap { _ in
            (0..<20).allSatisfy { _ in (try? program.run([x]) { shapes }.outputs) == expected }
        }
        #expect(results.allSatisfy { $0 })
    }

    @Test func matrixVectorProductMatchesLoops() {
        var g = SeededGenerator(seed: 96)
        for (n, k) in [(1, 1), (5, 7), (24, 96), (3, 33)] {
            let w = (0..<n * k).map { _ in Float.random(in: -1...1, using: &g) }
            let x = (0..<k).map { _ in Float.random(in: -1...1, using: &g) }
            // One FMA chain from zero per output, in order (OpenCV 5 dnn's rounding): to the bit.
            let expected = (0..<n).map { j in (0..<k).reduce(Float(0)) { $0.addingProduct(w[j * k + $1], x[$1]) } }
            for portable in [Int32(1), 0] {
                var y = [Float](repeating: .nan, count: n)
                sfc_matvec(Int32(n), Int32(k), w, x, &y, portable)
                #expect(y == expected, "\(n)x\(k) portable \(portable)")
            }
        }
    }

    /// Plane means: each sum a chain of additions from zero in element order, vector or not, for
    /// plane counts around the 8- and 16-plane groups and lengths around whole blocks.
    @Test func planeMeansAddInElementOrder() {
        var g = SeededGenerator(seed: 96)
        for planes in [1, 3, 8, 9, 15, 16, 17, 40] {
            for count in [1, 7, 8, 9, 64, 255, 256] {
                let x = (0..<planes * count).map { _ in Float.random(in: -100...100, using: &g) }
                let expected = (0..<planes).map { p in
                    x[p * count..<(p + 1) * count].reduce(Float(0), +) / Float(count)
                }
                for portable in [Int32(1), 0] {
                    var out = [Float](repeating: .nan, count: planes + 1)
                    sfc_plane_means(x, Int32(planes), count, &out, portable)
                    #expect(Array(out[..<planes]) == expected, "\(planes) planes of \(count), portable \(portable)")
                    #expect(out[planes].isNaN, "wrote past the last plane")
                }
            }
        }
    }

    /// OpenCV's sigmoid: the vector and scalar loops agree to the bit, stay within a few ulps of
    /// the exact logistic function and pass NaN on.
    @Test func sigmoidMatchesItsScalarFormAndTheLogistic() {
        var g = SeededGenerator(seed: 98)
        var x = (0..<203).map { _ in Float.random(in: -20...20, using: &g) }
        x += [0, -0, 100, -100, 1e30, -1e30, .infinity, -.infinity, .nan, 88.5, -88.5, 87, -87]
        var vector = [Float](repeating: 0, count: x.count), scalar = vector
        sfc_sigmoid(x, x.count, &vector, 0)
        sfc_sigmoid(x, x.count, &scalar, 1)
        #expect(zip(vector, scalar).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
        for (v, value) in zip(x, vector) where !v.isNaN {
            let exact = Float(1 / (1 + exp(-Double(v))))
            // Below about −88 OpenCV's exponential saturates: tiny values may flush to zero.
            #expect(abs(value - exact) <= max(4 * exact.ulp, 1e-37), "sigmoid(\(v)) = \(value), exactly \(exact)")
        }
        #expect(vector[x.count - 5].isNaN)
    }

    /// A pooling after a depthwise convolution is computed with it, from the same planes.
    @Test func poolingFusesIntoDepthwise() throws {
        var g = SeededGenerator(seed: 97)
        let weight = randomTensor([6, 1, 5, 5], &g), bias = randomTensor([6], &g)
        let steps = [
            Self.step("dw", .convolution(weight: weight, bias: bias, stride: 2, padding: 2, groups: 6, activation: .hardSwish),
                      [0], 1) { try $0[0].conv2d(weight: weight, bias: bias, stride: 2, padding: 2, groups: 6, activation: .hardSwish) },
            Self.step("pool", .globalAveragePool, [1], 2) { try $0[0].globalAveragePool() },
            Self.step("scale", .multiply, [1, 2], 3) { try $0[0].scalingChannels(by: $0[1]) },
        ]
        let program = InferenceProgram(steps: steps, slotCount: 4, constants: [:], inputs: [0], outputs: [3, 2])
        for shape in [[1, 6, 31, 17], [2, 6, 64, 64]] {
            let x = randomTensor(shape, &g, range: -3...3)
            let (expected, shapes) = try Self.reference(steps, slots: 4, constants: [:], inputs: [0: x])
            let outputs = try program.run([x]) { shapes }.outputs
            #expect(outputs[0].maxAbsDifference(try #require(expected[3])) < 1e-4)
            #expect(outputs[1].maxAbsDifference(try #require(expected[2])) < 1e-5)
            #expect(program.plannedSteps(for: [shape]) == [[0, 1], [2]])
        }
    }

    @Test func aFailingStepIsNamed() throws {
        let steps = [
            Self.step("node \"Broken\"", .other, [0], 1) { _ in throw EngineError("cannot") },
        ]
        let program = InferenceProgram(steps: steps, slotCount: 2, constants: [:], inputs: [0], outputs: [1])
        #expect(throws: EngineError("node \"Broken\": cannot")) {
            try program.run([Tensor(zeros: [2, 2])]) { [[2, 2], [2, 2]] }
        }
    }
}
