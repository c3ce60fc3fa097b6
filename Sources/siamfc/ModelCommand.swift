import ArgumentParser
import Foundation
import SiamFCONNX

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Describe model files: ONNX graphs and safetensors weights.",
        discussion: """
            ONNX (any other extension than .safetensors): producer, operator sets, inputs and \
            outputs with their shapes, the operators and how many nodes run each, parameters (the \
            elements of all initializers) and initializers. The whole file is checked first. \
            safetensors: tensors, parameters, dtypes, and whether it loads as a SiamFC tracking \
            model, then its widths and backbone GFLOP. For ONNX graphs, GFLOP (multiply-adds × 2 of \
            Conv, Gemm and MatMul) of one run on zero inputs, the declared shapes, or with --input \
            every 4-D input square of that side, or why the graph cannot run; with --values, every \
            node's outputs with their shapes on those inputs (the names train-light \
            --intermediate-hint takes).
            """)

    @Argument(help: "ONNX (.onnx) or safetensors (.safetensors) files.")
    var files: [String]

    @Option(help: "Input side for the GFLOP figure (SiamFC safetensors: default 255; ONNX: every 4-D input, default the declared shapes).")
    var input: Int?

    @Flag(help: "ONNX: list every node's outputs (name, operator, shape) in execution order.")
    var values = false

    @Flag(help: "Print JSON (an array with one object per file).")
    var json = false

    func validate() throws {
        if let input, !(16...4096).contains(input) { throw ValidationError("--input must be in 16...4096") }
    }

    func run() throws {
        var descriptions: [ModelDescription] = []
        for (index, file) in files.enumerated() {
            let description = try describe(file)
            if json {
                descriptions.append(description)
            } else {
                if index > 0 { print("") }
                print(description.lines.joined(separator: "\n"))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(descriptions), as: UTF8.self))
        }
    }

    func describe(_ file: String) throws -> ModelDescription {
        if file.lowercased().hasSuffix(".safetensors") {
            return try ModelDescription(safetensors: file, inputSize: input ?? 255)
        }
        return ModelDescription(onnx: try ONNXModel(contentsOf: file), side: input, values: values)
    }
}
