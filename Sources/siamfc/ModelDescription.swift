import Foundation
import SiamFCEngine
import SiamFCONNX
import SiamFCSupport
import SiamFCTracker

/// What `siamfc model` reports about one model file, as text lines or as JSON.
struct ModelDescription: Encodable {
    var file: String
    var format: String
    var irVersion: Int64?
    var producer: String?
    var opset: [String: Int64]?
    var inputs: [String]?
    var outputs: [String]?
    var nodeCount: Int?
    /// Operator and node count, most used first.
    var operators: [OperatorCount]?
    var tensorCount: Int
    var parameters: Int
    var floatParameters: Int?
    var dtypes: [String: Int]?
    /// For safetensors: whether the file loads as a SiamFC tracking model, and why not.
    var siamfc: SiamFCSummary?
    /// For a light model file (metadata `siamfc.model` = `light-track`) in place of `siamfc`.
    var light: LightSummary?
    /// For ONNX: the GFLOP (multiply-adds × 2 of Conv, Gemm and MatMul) of one run on the input
    /// shapes named, or why the graph does not run.
    var compute: ComputeSummary?
    /// For ONNX with `--values`: every node's outputs in execution order, with their shapes on
    /// the inputs of `compute` (names for `train-light --intermediate-hint`).
    var values: [ValueSummary]?

    struct ValueSummary: Encodable {
        var name: String
        var op: String
        var shape: [Int]?
    }

    struct ComputeSummary: Encodable {
        var inputs: [String: [Int]]?
        var gflop: Double?
        var problem: String?
    }

    struct OperatorCount: Encodable {
        var op: String
        var count: Int
    }

    struct LightSummary: Encodable {
        var loads: Bool
        var problem: String?
        var featureChannels: Int?
        var inputSize: Int?
        var backboneGFLOP: Double?
        var headGFLOP: Double?
    }

    struct SiamFCSummary: Encodable {
        var loads: Bool
        var problem: String?
        var widths: [Int]?
        var inputSize: Int?
        var backboneGFLOP: Double?
    }

    /// `side`: the spatial size of every 4-D input; nil keeps the declared shapes. `values`
    /// also lists every node's outputs.
    init(onnx model: ONNXModel, side: Int?, values listValues: Bool = false) {
        file = model.path
        format = "ONNX"
        irVersion = model.irVersion
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        opset = Dictionary(model.opsetImports.map { ($0.domain.isEmpty ? "ai.onnx" : $0.domain, $0.version) }) { a, _ in a }
        inputs = model.inputs.map(\.description)
        outputs = model.outputs.map(\.description)
        nodeCount = model.nodes.count
        operators = model.operatorHistogram.map { OperatorCount(op: $0.op, count: $0.count) }
        tensorCount = model.initializers.count
        parameters = model.parameterCount
        floatParameters = model.floatParameterCount
        dtypes = Dictionary(model.initializers.map { ($0.dataType.description, 1) }, uniquingKeysWith: +)
        do {
            let runner = try ONNXGraphRunner(model: model)
            let inputs = try runner.zeroInputs(side: side)
            let flops = try runner.flops(inputs: inputs)
            compute = ComputeSummary(inputs: inputs.mapValues(\.shape), gflop: Double(flops) / 1e9)
        } catch {
            compute = ComputeSummary(problem: error.message)
        }
        if listValues { values = Self.values(of: model, side: side) }
    }

    /// Every node output with its shape from one run on zero inputs in which all of them are
    /// exposed (shapes are left out when the graph does not run).
    static func values(of model: ONNXModel, side: Int?) -> [ValueSummary] {
        let names = model.nodes.flatMap(\.outputs).filter { !$0.isEmpty }
        var shapes: [String: [Int]] = [:]
        if let runner = try? ONNXGraphRunner(model: try model.exposing(names)),
           let outputs = try? runner.run(inputs: try runner.zeroInputs(side: side)) {
            shapes = outputs.mapValues(\.shape)
        }
        return model.nodes.flatMap { node in
            node.outputs.filter { !$0.isEmpty }.map { ValueSummary(name: $0, op: node.opType, shape: shapes[$0]) }
        }
    }

    /// `dtypes` come from the header, which `SafetensorsFile` has already validated.
    init(safetensors path: String, inputSize: Int) throws {
        let file = try SafetensorsFile.read(path: path)
        self.file = path
        format = "safetensors"
        tensorCount = file.tensors.count
        parameters = file.tensors.values.reduce(0) { $0 + $1.count }
        dtypes = try Self.safetensorsDtypes(path)
        if LightTrackNetwork.isLightModel(file) {
            do {
                let folded = try LightTrackNetwork(file: file, source: path).folded()
                light = LightSummary(loads: true, featureChannels: folded.configuration.featureChannels, inputSize: inputSize,
                                     backboneGFLOP: Double(folded.backboneFLOPs(inputSide: inputSize)) / 1e9,
                                     headGFLOP: Double(folded.headFLOPs()) / 1e9)
            } catch {
                light = LightSummary(loads: false, problem: "\(error)")
            }
            return
        }
        do {
            let model = try SiamFCModel(contentsOf: path)
            siamfc = SiamFCSummary(loads: true, widths: model.backbone.widths, inputSize: inputSize,
                                   backboneGFLOP: Double(model.backbone.flops(batch: 1, size: inputSize)) / 1e9)
        } catch {
            siamfc = SiamFCSummary(loads: false, problem: "\(error)")
        }
    }

    static func safetensorsDtypes(_ path: String) throws -> [String: Int] {
        let bytes = try FileBytes.read(path)
        guard bytes.count >= 8 else { return [:] }
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= bytes.count - 8,
              let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any]
        else { return [:] }
        var counts: [String: Int] = [:]
        for (name, entry) in header where name != "__metadata__" {
            if let dtype = (entry as? [String: Any])?["dtype"] as? String { counts[dtype, default: 0] += 1 }
        }
        return counts
    }

    /// The text report: one `label: value` line per fact.
    var lines: [String] {
        var lines = ["file:        \(file)"]
        if format == "ONNX" {
            lines.append("format:      ONNX, IR version \(irVersion ?? 0)" + (producer.map { $0.isEmpty ? "" : ", producer \($0)" } ?? ""))
            lines.append("opset:       " + (opset ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            for input in inputs ?? [] { lines.append("input:       \(input)") }
            for output in outputs ?? [] { lines.append("output:      \(output)") }
            let histogram = (operators ?? []).map { "\($0.op) \($0.count)" }.joined(separator: ", ")
            lines.append("nodes:       \(nodeCount ?? 0): \(histogram)")
            if let compute, let gflop = compute.gflop, let inputs = compute.inputs {
                let shapes = inputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                lines.append(String(format: "compute:     %.3f GFLOP for ", gflop) + shapes)
            } else if let compute {
                lines.append("compute:     does not run: \(compute.problem ?? "")")
            }
            for value in values ?? [] {
                lines.append("value:       \(value.name) \(value.op)" + (value.shape.map { " \($0)" } ?? ""))
            }
        } else {
            lines.append("format:      safetensors")
        }
        let types = (dtypes ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("tensors:     \(tensorCount)" + (types.isEmpty ? "" : " (\(types))"))
        var parameterLine = "parameters:  \(Self.grouped(parameters))"
        if let floatParameters, floatParameters != parameters {
            parameterLine += " (\(Self.grouped(floatParameters)) floating-point)"
        }
        lines.append(parameterLine)
        if let light {
            if light.loads, let channels = light.featureChannels, let size = light.inputSize, let gflop = light.backboneGFLOP,
               let head = light.headGFLOP {
                lines.append("light:       loads as a light tracking model (NanoTrack interface), \(channels) feature channels")
                lines.append(String(format: "backbone:    %.3f GFLOP for a %dx%d input; head %.3f GFLOP", gflop, size, size, head))
            } else {
                lines.append("light:       a light model file that does not load: \(light.problem ?? "")")
            }
        }
        if let siamfc {
            if siamfc.loads, let widths = siamfc.widths, let size = siamfc.inputSize, let gflop = siamfc.backboneGFLOP {
                lines.append("siamfc:      loads as a SiamFC tracking model, widths \(widths.map(String.init).joined(separator: "/"))")
                lines.append(String(format: "backbone:    %.3f GFLOP for a %dx%d input", gflop, size, size))
            } else {
                lines.append("siamfc:      not a SiamFC tracking model: \(siamfc.problem ?? "")")
            }
        }
        return lines
    }

    /// 188238 → "188,238".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }
}
