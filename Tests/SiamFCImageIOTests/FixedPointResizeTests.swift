import Testing
@testable import SiamFCImageIO
import SiamFCTestSupport
import SiamFCSupport
import Foundation
import CImageKernels

struct FixedPointResizeTests {
    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var state = seed
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }

    @Test func sameSizeIsACopy() {
        let image = Self.randomImage(width: 13, height: 7, seed: 1)
        #expect(FixedPointResize.resize(image, width: 13, height: 7) == image)
    }

    @Test func halvingAveragesBlocksOfFour() {
        let image = Self.randomImage(width: 8, height: 6, seed: 2)
        let half = FixedPointResize.resize(image, width: 4, height: 3)
        for y in 0..<3 {
            for x in 0..<4 {
                for c in 0..<3 {
                    let sum = [(0, 0), (1, 0), (0, 1), (1, 1)].map { (dx, dy) in Int(image.pixels[((2 * y + dy) * 8 + 2 * x + dx) * 3 + c]) }.reduce(0, +)
                    #expect(Int(half.pixels[(y * 4 + x) * 3 + c]) == (sum + 2) >> 2)
                }
            }
        }
    }

    /// A window that leaves the image equals padding the image with the fill colour, then
    /// cropping and resizing.
    @Test(arguments: [(-5, -3, 30, 30, 17), (10, 12, 9, 9, 127), (-40, 20, 90, 90, 255), (3, 3, 6, 6, 6), (-2, -2, 4, 4, 1)])
    func windowEqualsPaddedCrop(x: Int, y: Int, width: Int, height: Int, output: Int) {
        let image = Self.randomImage(width: 23, height: 19, seed: 3)
        let fill: (UInt8, UInt8, UInt8) = (7, 200, 99)
        var cropped = RGBImage(width: width, height: height)
        for r in 0..<height {
            for c in 0..<width {
                let (ix, iy) = (x + c, y + r)
                cropped[c, r] = ix >= 0 && iy >= 0 && ix < image.width && iy < image.height ? image[ix, iy] : (fill.0, fill.1, fill.2)
            }
        }
        let expected = FixedPointResize.resize(cropped, width: output, height: output)
        let window = FixedPointResize.resizeWindow(of: image, x: x, y: y, width: width, height: height, fill: fill,
                                                   toWidth: output, toHeight: output)
        #expect(window == expected)
        var planar = [Float](repeating: -1, count: output * output * 3)
        planar.withUnsafeMutableBufferPointer { buffer in
            FixedPointResize.resizeWindowPlanar(of: image, x: x, y: y, width: width, height: height, fill: fill,
                                                toWidth: output, toHeight: output, into: buffer.baseAddress!)
        }
        #expect(planar == expected.chwFloat32())
    }

    /// The portable C path gives the vector path's bits, for byte rows and for Float32 planes,
    /// at widths around whole vectors of eight pixels.
    @Test(arguments: [127, 131, 255, 7])
    func portableKernelsMatchTheVectorOnes(output: Int) {
        let image = Self.randomImage(width: 97, height: 61, seed: 4)
        func resize() -> (RGBImage, [Float]) {
            let bytes = FixedPointResize.resizeWindow(of: image, x: -7, y: 5, width: 83, height: 83, fill: (1, 2, 3),
                                                      toWidth: output, toHeight: output)
            var planar = [Float](repeating: -1, count: output * output * 3)
            planar.withUnsafeMutableBufferPointer { buffer in
                FixedPointResize.resizeWindowPlanar(of: image, x: -7, y: 5, width: 83, height: 83, fill: (1, 2, 3),
                                                    toWidth: output, toHeight: output, into: buffer.baseAddress!)
            }
            return (bytes, planar)
        }
        let vector = resize()
        sfc_image_kernels_force_portable(1)
        defer { sfc_image_kernels_force_portable(0) }
        let portable = resize()
        #expect(vector.0 == portable.0)
        #expect(vector.1 == portable.1)
        #expect(vector.1 == vector.0.chwFloat32())
    }

    /// Channel sums, vector or not, equal plain loops, for pixel counts around whole blocks of 32.
    @Test(arguments: [(1, 1), (31, 1), (32, 1), (33, 1), (11, 9), (320, 240)])
    func channelMeansAreThePlainSums(width: Int, height: Int) {
        let image = Self.randomImage(width: width, height: height, seed: UInt64(width * 1000 + height))
        var sums = [0, 0, 0]
        for (i, v) in image.pixels.enumerated() { sums[i % 3] += Int(v) }
        let n = Double(width * height)
        let expected = (Double(sums[0]) / n, Double(sums[1]) / n, Double(sums[2]) / n)
        #expect(image.channelMeans() == expected)
        sfc_image_kernels_force_portable(1)
        defer { sfc_image_kernels_force_portable(0) }
        #expect(image.channelMeans() == expected)
    }

    @Test func meanColourIsExactAndRoundsHalfToEven() {
        // Means 0.5, 1.5 and 2.5: half to even gives 0, 2 and 2.
        let image = RGBImage(uncheckedWidth: 2, height: 1, pixels: [0, 1, 2, 1, 2, 3])
        #expect(image.channelMeans() == (0.5, 1.5, 2.5))
        #expect(image.meanColorBytes() == (0, 2, 2))
    }
}

/// OpenCV's `resize(INTER_LINEAR)` on 8-bit images (`golden/nanotrack/resize_u8.safetensors`).
@Suite(.enabled(if: SharedData.shouldRun, "needs ../shared (SIAMFC_SHARED)"))
struct FixedPointResizeGoldenTests {
    @Test(arguments: ["crop_up", "crop_down", "crop_small", "crop_odd", "crop_tiny_down"])
    func matchesOpenCVExactly(_ name: String) throws {
        let file = try SafetensorsBytes(path: try SharedData.path("golden/nanotrack/resize_u8.safetensors"))
        let (inputShape, input) = try file.bytes("\(name).input")
        let (outputShape, output) = try file.bytes("\(name).output")
        let image = RGBImage(uncheckedWidth: inputShape[1], height: inputShape[0], pixels: input)
        let resized = FixedPointResize.resize(image, width: outputShape[1], height: outputShape[0])
        let differing = zip(resized.pixels, output).filter { $0 != $1 }.count
        #expect(differing == 0, "\(name): \(differing) of \(output.count) values differ")
    }
}

/// The U8 tensors of a safetensors file, raw (the engine's reader converts to Float32 and is not
/// a dependency of this target).
struct SafetensorsBytes {
    let bytes: [UInt8]
    let header: [String: Any]
    let dataStart: Int

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws {
        let file = try FileBytes.read(path)
        guard file.count >= 8 else { throw Missing(description: "\(path): too short") }
        let length = (0..<8).reduce(0) { $0 | Int(file[$1]) << (8 * $1) }
        guard 8 + length <= file.count,
              let json = try JSONSerialization.jsonObject(with: Data(file[8..<(8 + length)])) as? [String: Any] else {
            throw Missing(description: "\(path): bad header")
        }
        bytes = file
        header = json
        dataStart = 8 + length
    }

    func bytes(_ name: String) throws -> (shape: [Int], values: [UInt8]) {
        guard let entry = header[name] as? [String: Any], entry["dtype"] as? String == "U8",
              let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
            throw Missing(description: "no U8 tensor \(name)")
        }
        return (shape, Array(bytes[(dataStart + offsets[0])..<(dataStart + offsets[1])]))
    }
}
