import Foundation
import Testing
@testable import SiamFCEngine
import SiamFCTestSupport

/// A safetensors file from a header text and data bytes; `declaredLength` overrides the length
/// field so that tests can lie about it.
private func rawFile(_ header: String, _ data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    return rawFile(json: json, data, declaredLength: declaredLength)
}

private func rawFile(json: [UInt8], _ data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let length = declaredLength ?? UInt64(json.count)
    return withUnsafeBytes(of: length.littleEndian) { Array($0) } + json + data
}

private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

/// Decodes and returns the EngineError, recording an issue when decoding succeeds or throws
/// something else.
private func decodeError(_ bytes: [UInt8], path: String = "bad.safetensors", label: String = "") -> EngineError? {
    do {
        _ = try SafetensorsFile.decode(bytes, path: path)
        Issue.record("\(label): decoding succeeded, expected an EngineError")
    } catch let error as EngineError {
        return error
    } catch {
        Issue.record("\(label): unexpected error type: \(error)")
    }
    return nil
}

@Suite struct SafetensorsTests {
    // MARK: Round trip

    @Test func roundTripKeepsTensorsAndMetadata() throws {
        let original = SafetensorsFile(
            tensors: [
                "conv.weight": try Tensor(shape: [2, 3], values: [1, -2, 3.5, 0, .infinity, -.infinity]),
                "bn.num_batches_tracked": Tensor(7),  // 0-d
                "empty": Tensor(zeros: [0, 4]),
                "a.bias": try Tensor(shape: [3], values: [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]),
            ],
            metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t é ✓ \u{1}"])
        let bytes = try original.encoded()

        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        #expect(header.hasSuffix(" ") || header.hasSuffix("}"))
        let order = ["a.bias", "bn.num_batches_tracked", "conv.weight", "empty"].compactMap {
            header.range(of: "\"\($0)\"")?.lowerBound
        }
        #expect(order.count == 4 && order == order.sorted(), "tensor names are written sorted")

        let decoded = try SafetensorsFile.decode(bytes, path: "memory")
        #expect(decoded.metadata == original.metadata)
        #expect(decoded.tensors.keys.sorted() == original.tensors.keys.sorted())
        for (name, tensor) in original.tensors {
            let other = try #require(decoded.tensors[name])
            #expect(other.shape == tensor.shape, "\(name)")
            #expect(other.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)")
        }
        #expect(decoded.tensors["bn.num_batches_tracked"]?.shape == [])
        #expect(decoded.tensors["empty"]?.count == 0)
    }

    @Test func roundTripThroughAFile() throws {
        let folder = makeTemporaryDirectory()
        defer { removeTemporary(folder) }
        let path = folder + "/model.safetensors"
        let file = SafetensorsFile(tensors: ["w": try Tensor(shape: [2, 2], values: [1, 2, 3, 4])])
        try file.write(to: path)
        let back = try SafetensorsFile.read(path: path)
        #expect(back.tensors == file.tensors)
        #expect(back.metadata.isEmpty)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("__metadata__"), "no empty metadata block")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])
    }

    @Test func emptyFileRoundTrips() throws {
        let bytes = try SafetensorsFile().encoded()
        #expect(bytes.count == 16)  // 8-byte length + "{}" padded to 8
        let back = try SafetensorsFile.decode(bytes, path: "empty")
        #expect(back.tensors.isEmpty && back.metadata.isEmpty)
    }

    @Test func writingRejectsTheReservedName() {
        let file = SafetensorsFile(tensors: ["__metadata__": Tensor(1)])
        #expect(throws: EngineError.self) { try file.encoded() }
    }

    @Test func readingAMissingFileNamesIt() {
        do {
            _ = try SafetensorsFile.read(path: "/nonexistent/model.safetensors")
            Issue.record("expected an error")
        } catch let error as EngineError {
            #expect(error.path == "/nonexistent/model.safetensors")
            #expect(error.description.contains("no such file"))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    // MARK: Dtypes

    @Test func decodesF16() throws {
        let bits: [UInt16] = [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x8000, 0x7E00, 0x3555]
        let bytes = rawFile(#"{"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]}}"#, littleEndianBytes(bits))
        let values = try #require(SafetensorsFile.decode(bytes, path: "f16").tensors["h"]).scalars
        let expected: [Float] = [1.0, -2.5, 65504, 0x1p-24, 1023 * 0x1p-24, 0x1p-14, .infinity, -.infinity, -0.0]
        #expect(Array(values.prefix(9)).map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(values[9].isNaN)
        #expect(values[10] == 0.333251953125)  // 0x3555, the half nearest 1/3
    }

    @Test func halfConversionMatchesFloat16WhereAvailable() {
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        for bits in UInt16.min...UInt16.max {
            let mine = SafetensorsFile.floatFromHalf(bits)
            let reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(mine.isNaN, "bits \(bits)")
            } else if mine.bitPattern != reference.bitPattern {
                Issue.record("half bits \(bits): \(mine) != \(reference)")
                return
            }
        }
        #endif
    }

    @Test func decodesBF16() throws {
        let bits: [UInt16] = [0x3F80, 0xC020, 0x477F, 0x0001, 0x7F80, 0xFF80]
        let bytes = rawFile(#"{"b":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}}"#, littleEndianBytes(bits))
        let tensor = try #require(SafetensorsFile.decode(bytes, path: "bf16").tensors["b"])
        #expect(tensor.shape == [2, 3])
        let expected: [Float] = [1.0, -2.5, 65280, Float(bitPattern: 0x0001_0000), .infinity, -.infinity]
        #expect(tensor.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(tensor.scalars[3] > 0 && !tensor.scalars[3].isNormal, "0x0001 is a subnormal")
    }

    @Test func decodesIntegersAndF64() throws {
        let i64 = littleEndianBytes([Int64(1), -2, 65504, 1 << 40])
        let i32 = littleEndianBytes([Int32(-7), 123_456])
        let f64 = littleEndianBytes([(-2.5).bitPattern, (1e300).bitPattern])
        let u8: [UInt8] = [0, 255]
        let header = #"""
            {"n":{"dtype":"I64","shape":[4],"data_offsets":[0,32]},
             "i":{"dtype":"I32","shape":[2],"data_offsets":[32,40]},
             "d":{"dtype":"F64","shape":[2],"data_offsets":[40,56]},
             "u":{"dtype":"U8","shape":[2],"data_offsets":[56,58]}}
            """#
        let file = try SafetensorsFile.decode(rawFile(header, i64 + i32 + f64 + u8), path: "ints")
        #expect(file.tensors["n"]?.scalars == [1, -2, 65504, 1_099_511_627_776])
        #expect(file.tensors["i"]?.scalars == [-7, 123_456])
        #expect(file.tensors["d"]?.scalars == [-2.5, .infinity])
        #expect(file.tensors["u"]?.scalars == [0, 255])
    }

    // MARK: Validation

    static let validationCases: [(label: String, bytes: [UInt8], mentions: String)] = {
        let w = #""w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        let eight = [UInt8](repeating: 0, count: 8)
        func entry(_ body: String) -> String { #"{"w":"# + body + "}" }
        return [
            ("shorter than 8 bytes", [1, 2, 3], "too short"),
            ("empty file", [], "too short"),
            ("header longer than the file", rawFile("{}", declaredLength: 64), "larger than the file"),
            ("header over the cap", rawFile("{}", declaredLength: 200_000_000), "over the limit"),
            ("header length near UInt64.max", rawFile("{}", declaredLength: .max), "over the limit"),
            ("not UTF-8", rawFile(json: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), "UTF-8"),
            ("not JSON", rawFile("{w: 1}"), "not valid JSON"),
            ("truncated JSON", rawFile(#"{"w":{"dtype""#), "not valid JSON"),
            ("empty header", rawFile(""), "not valid JSON"),
            ("trailing garbage", rawFile("{} x"), "not valid JSON"),
            ("header an array", rawFile("[1, 2]"), "not a JSON object"),
            ("deep nesting", rawFile(String(repeating: "[", count: 100_000)), "nested too deeply"),
            ("duplicate names", rawFile("{" + w + "," + w + "}", eight), "duplicate"),
            ("entry not an object", rawFile(#"{"w": 5}"#), "not an object"),
            ("no dtype", rawFile(entry(#"{"shape":[2],"data_offsets":[0,8]}"#), eight), "no \"dtype\""),
            ("no shape", rawFile(entry(#"{"dtype":"F32","data_offsets":[0,8]}"#), eight), "no \"shape\""),
            ("no data_offsets", rawFile(entry(#"{"dtype":"F32","shape":[2]}"#), eight), "no \"data_offsets\""),
            ("dtype a number", rawFile(entry(#"{"dtype":32,"shape":[2],"data_offsets":[0,8]}"#), eight), "\"dtype\""),
            ("unsupported dtype", rawFile(entry(#"{"dtype":"C64","shape":[1],"data_offsets":[0,8]}"#), eight), "C64"),
            ("shape not an array", rawFile(entry(#"{"dtype":"F32","shape":2,"data_offsets":[0,8]}"#), eight), "\"shape\""),
            ("shape a float", rawFile(entry(#"{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}"#), eight), "not an integer"),
            ("shape a boolean", rawFile(entry(#"{"dtype":"F32","shape":[true],"data_offsets":[0,8]}"#), eight), "not an integer"),
            ("shape a string", rawFile(entry(#"{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}"#), eight), "not an integer"),
            ("negative dimension", rawFile(entry(#"{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}"#), eight), "negative"),
            ("huge dimension", rawFile(entry(#"{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}"#), eight), "not an integer"),
            ("element count overflow",
             rawFile(entry(#"{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}"#)), "overflow"),
            ("byte size overflow",
             rawFile(entry(#"{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}"#), eight), "overflow"),
            ("offsets three integers", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}"#), eight), "data_offsets"),
            ("offsets negative", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}"#), eight), "data_offsets"),
            ("offsets floats", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[0,8.0]}"#), eight), "data_offsets"),
            ("offsets booleans", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[false,8]}"#), eight), "data_offsets"),
            ("offsets not an array", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":8}"#), eight), "data_offsets"),
            ("begin after end", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[8,0]}"#), eight), "after end"),
            ("end beyond the buffer", rawFile(entry(#"{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#), [0, 0, 0, 0]), "beyond"),
            ("size mismatch", rawFile(entry(#"{"dtype":"F32","shape":[3],"data_offsets":[0,8]}"#), eight), "needs 12"),
            ("F16 size mismatch", rawFile(entry(#"{"dtype":"F16","shape":[2],"data_offsets":[0,8]}"#), eight), "needs 4"),
            ("overlap",
             rawFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, eight),
             "overlap"),
            ("same range twice",
             rawFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, eight),
             "overlap"),
            ("hole",
             rawFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                     eight + [0, 0, 0, 0]),
             "belong to no tensor"),
            ("unused trailing bytes", rawFile(entry(#"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#), eight), "4 bytes at the end"),
            ("metadata not an object", rawFile(#"{"__metadata__":[1]}"#), "__metadata__"),
            ("metadata value not a string", rawFile(#"{"__metadata__":{"epoch":3}}"#), "epoch"),
        ]
    }()

    @Test(arguments: validationCases.map(\.label))
    func malformedFileThrowsANamedError(_ label: String) throws {
        let (_, bytes, mentions) = try #require(Self.validationCases.first { $0.label == label })
        guard let error = decodeError(bytes, label: label) else { return }
        #expect(error.path == "bad.safetensors", "\(label)")
        #expect(error.description.hasPrefix("bad.safetensors: "), "\(label)")
        #expect(error.message.contains(mentions), "\(label): \(error.message)")
        #expect(!error.description.contains("\n"), "\(label): one line")
    }

    @Test func tensorErrorsNameTheTensor() {
        let bytes = rawFile(#"{"layer1.weight":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#)
        #expect(decodeError(bytes)?.message.contains("\"layer1.weight\"") == true)
    }

    @Test func paddedHeaderAndZeroSizedTensorsAreAccepted() throws {
        let header = #"{"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}    "#
        let file = try SafetensorsFile.decode(rawFile(header, littleEndianBytes([Float(2.5).bitPattern])), path: "ok")
        #expect(file.tensors["s"]?.shape == [])
        #expect(file.tensors["s"]?.item == 2.5)
        #expect(file.tensors["z"]?.count == 0)
    }

    // MARK: Fuzzing

    @Test func mutatedFilesDecodeOrThrowEngineError() throws {
        let valid = try SafetensorsFile(
            tensors: [
                "a": try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                "b": Tensor(9),
                "c": Tensor(zeros: [0]),
                "d": try Tensor(shape: [1, 2, 1, 2], values: [-1, 0.5, 7, 8]),
            ],
            metadata: ["k": "v"]
        ).encoded()
        var generator = SeededGenerator(seed: 2026)
        var outcomes = (decoded: 0, rejected: 0)
        for round in 0..<400 {
            var bytes = valid
            switch round % 5 {
            case 0:  // flip one bit anywhere
                let i = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 1:  // truncate
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            case 2:  // random bytes in the header
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 8..<min(bytes.count, 200), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 3:  // a digit in the header changed (shapes and offsets)
                let digits = bytes.indices.filter { $0 >= 8 && bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
                if let i = digits.randomElement(using: &generator) {
                    bytes[i] = UInt8.random(in: 0x30...0x39, using: &generator)
                }
            default:  // a lie in the length field
                bytes[Int.random(in: 0..<8, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try SafetensorsFile.decode(bytes, path: "fuzz")
                outcomes.decoded += 1
            } catch is EngineError {
                outcomes.rejected += 1
            } catch {
                Issue.record("round \(round): unexpected error type \(error)")
            }
        }
        #expect(outcomes.rejected > 200, "most mutations are rejected: \(outcomes)")
        #expect(outcomes.decoded + outcomes.rejected == 400)
    }
}

@Suite(.enabled(if: SharedData.shouldRun, "needs the shared data (SIAMFC_SHARED)"))
struct SafetensorsSharedDataTests {
    @Test func readsTheFDSiamFCModel() throws {
        let file = try SafetensorsFile.read(path: try SharedData.path("models/fdsiamfc30.safetensors"))
        #expect(file.tensors["backbone.conv1.0.weight"]?.shape == [28, 3, 11, 11])
        #expect(file.tensors["backbone.conv1.1.running_mean"]?.shape == [28])
        #expect(file.tensors["backbone.conv5.0.weight"]?.shape == [76, 57, 3, 3])
        #expect(file.tensors["backbone.conv1.1.num_batches_tracked"]?.shape == [1])
        #expect(file.tensors.count == 30)
        for (name, tensor) in file.tensors {
            #expect(tensor.scalars.allSatisfy { $0.isFinite }, "\(name) has non-finite values")
        }
        let variance = try #require(file.tensors["backbone.conv1.1.running_var"])
        #expect(variance.scalars.allSatisfy { $0 > 0 })
        #expect(file.tensors["backbone.conv1.0.weight"]?.scalars.contains { $0 != 0 } == true)
    }
}
