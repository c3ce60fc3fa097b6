import Foundation
import Testing
@testable import SiamFCEngine
import SiamFCTestSupport

/// `|a - b| / max(1, |b|)`, the largest over two same-sized tensors (infinity when shapes differ).
private func maxRelativeError(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    return a.withUnsafeBufferPointer { x in
        b.withUnsafeBufferPointer { y in
            var worst: Float = 0
            for i in 0..<x.count {
                let error = abs(x[i] - y[i]) / max(1, abs(y[i]))
                worst = error.isNaN ? .infinity : max(worst, error)
            }
            return worst
        }
    }
}

/// HWC (the golden files' layout) to [1, C, H, W].
private func nchw(fromHWC tensor: Tensor) throws -> Tensor {
    guard tensor.rank == 3 else { throw EngineError("expected HWC, got \(tensor.shape)") }
    let (h, w, c) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
    let hwc = tensor.scalars
    var values = [Float](repeating: 0, count: hwc.count)
    for y in 0..<h {
        for x in 0..<w {
            for k in 0..<c { values[(k * h + y) * w + x] = hwc[(y * w + x) * c + k] }
        }
    }
    return try Tensor(shape: [1, c, h, w], values: values)
}

@Suite struct ResizeTests {
    @Test func bilinearTwoByTwoToFourByFour() throws {
        let input = try Tensor(shape: [1, 1, 2, 2], values: [0, 4, 8, 12])
        let output = try input.resized(height: 4, width: 4, interpolation: .bilinear)
        // Source coordinates of the output centres: -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1.
        let expected: [Float] = [
            0, 1, 3, 4,
            2, 3, 5, 6,
            6, 7, 9, 10,
            8, 9, 11, 12,
        ]
        #expect(output.shape == [1, 1, 4, 4])
        #expect(output.scalars == expected)
    }

    @Test func bicubicOneRowUpsampledByTwo() throws {
        // Along a row of [0, 0, 1, 0, 0] the output at source x = 1.75 (dst 4 of 10) has taps
        // x = 0...3 and fraction 0.75: weights k(1.75), k(0.75), k(0.25), k(1.25) with a = -0.75.
        let input = try Tensor(shape: [1, 1, 1, 5], values: [0, 0, 1, 0, 0])
        let output = try input.resized(height: 1, width: 10, interpolation: .bicubic)
        let a: Float = -0.75
        func k(_ t: Float) -> Float {
            t <= 1 ? ((a + 2) * t - (a + 3)) * t * t + 1 : ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
        }
        #expect(abs(output[0, 0, 0, 4] - k(0.25)) < 1e-6)
        #expect(abs(output[0, 0, 0, 3] - k(0.75)) < 1e-6)
        #expect(abs(output[0, 0, 0, 5] - k(0.25)) < 1e-6)
        #expect(abs(output[0, 0, 0, 2] - k(1.25)) < 1e-6)
        #expect(output[0, 0, 0, 2] < 0, "the a = -0.75 kernel has negative lobes")
    }

    @Test(arguments: [Interpolation.bilinear, .bicubic])
    func identityResizeReturnsTheInput(_ interpolation: Interpolation) throws {
        let values: [Float] = (0..<210).map { (i: Int) -> Float in Float((i * 37) % 101) - 50 }
        let input = try Tensor(shape: [2, 3, 5, 7], values: values)
        #expect(try input.resized(height: 5, width: 7, interpolation: interpolation) == input)
        var plane = [Float](repeating: .nan, count: 35)
        values.withUnsafeBufferPointer { src in
            plane.withUnsafeMutableBufferPointer { dst in
                guard let source = src.baseAddress, let target = dst.baseAddress else { return }
                Tensor.resizePlane(source, srcHeight: 5, srcWidth: 7, into: target,
                                   height: 5, width: 7, interpolation: interpolation)
            }
        }
        #expect(plane == Array(values.prefix(35)), "the plane kernel's weights are exactly 1 and 0 at scale 1")
    }

    @Test(arguments: [Interpolation.bilinear, .bicubic])
    func constantImageStaysConstant(_ interpolation: Interpolation) throws {
        let input = Tensor(repeating: 42.5, shape: [1, 2, 9, 13])
        for (h, w) in [(20, 31), (4, 5), (1, 1), (9, 40), (100, 3)] {
            let output = try input.resized(height: h, width: w, interpolation: interpolation)
            #expect(output.shape == [1, 2, h, w])
            let worst = output.scalars.map { abs($0 - 42.5) }.max() ?? .infinity
            #expect(worst <= 1e-4, "\(interpolation) \(h)x\(w): off by \(worst)")
        }
    }

    @Test func planesAreIndependent() throws {
        // Two planes with different content, resized together, equal each resized alone (also
        // checks the parallel path, which splits large work by plane and row block).
        let a: [Float] = (0..<3000).map { (i: Int) -> Float in Float((i * 7919) % 255) }
        let b: [Float] = (0..<3000).map { (i: Int) -> Float in Float((i * 104_729) % 255) }
        let both = try Tensor(shape: [1, 2, 60, 50], values: a + b)
        let out = try both.resized(height: 300, width: 310, interpolation: .bicubic)
        let outA = try Tensor(shape: [1, 1, 60, 50], values: a).resized(height: 300, width: 310, interpolation: .bicubic)
        let outB = try Tensor(shape: [1, 1, 60, 50], values: b).resized(height: 300, width: 310, interpolation: .bicubic)
        #expect(out.scalars == outA.scalars + outB.scalars)
    }

    @Test func invalidSizesThrow() throws {
        let input = Tensor(zeros: [1, 1, 4, 4])
        #expect(throws: EngineError.self) { try input.resized(height: 0, width: 4, interpolation: .bilinear) }
        #expect(throws: EngineError.self) { try input.resized(height: 4, width: -1, interpolation: .bicubic) }
        #expect(throws: EngineError.self) { try input.resized(height: .max, width: .max, interpolation: .bilinear) }
        #expect(throws: EngineError.self) {
            try Tensor(zeros: [4, 4]).resized(height: 2, width: 2, interpolation: .bilinear)
        }
        #expect(throws: EngineError.self) {
            try Tensor(zeros: [1, 1, 0, 4]).resized(height: 2, width: 2, interpolation: .bilinear)
        }
        #expect(try Tensor(zeros: [0, 3, 4, 4]).resized(height: 2, width: 5, interpolation: .bilinear).shape == [0, 3, 2, 5])
    }
}

@Suite(.enabled(if: SharedData.shouldRun, "needs the shared data (SIAMFC_SHARED)"))
struct ResizeGoldenTests {
    static let cases = ["lin_up", "lin_down", "lin_down_big", "lin_1ch", "cubic_17_272", "cubic_odd", "cubic_down"]

    @Test(arguments: cases)
    func matchesOpenCV(_ name: String) throws {
        let file = try SafetensorsFile.read(path: try SharedData.path("golden/resize/resize.safetensors"))
        let input = try nchw(fromHWC: try #require(file.tensors["\(name).input"]))
        let expected = try nchw(fromHWC: try #require(file.tensors["\(name).output"]))
        let interpolation: Interpolation
        switch file.metadata[name] {
        case "INTER_LINEAR": interpolation = .bilinear
        case "INTER_CUBIC": interpolation = .bicubic
        case let other: throw EngineError("case \(name): unexpected interpolation \(String(describing: other))")
        }
        let output = try input.resized(height: expected.shape[2], width: expected.shape[3], interpolation: interpolation)
        let error = maxRelativeError(output, expected)
        #expect(error <= 1e-4, "\(name): max relative error \(error)")
        print("resize golden \(name): max relative error \(error)")
    }
}
