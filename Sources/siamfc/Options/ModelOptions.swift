import ArgumentParser
import SiamFCEngine
import SiamFCSupport
import SiamFCTracker

extension NanoTrackConfiguration.SizePenalty: ExpressibleByArgument {}

/// The tracking model a command runs and its settings.
struct ModelOptions: ParsableArguments {
    @Option(help: "Tracking model: SiamFC weights or our light model (.safetensors), or a NanoTrack backbone (.onnx, with --head). Default: the bundled model.")
    var model: String?

    @Option(help: "The NanoTrack neck-and-head file (.onnx) that goes with an ONNX --model (OpenCV's 'neckhead').")
    var head: String?

    @Option(help: "SiamFC: 3 or 5 search scales (SiamFC-3s or SiamFC-5s settings; default 3).")
    var scales: Int?

    @Option(help: "NanoTrack and the light model: size penalty, opencv (as OpenCV's TrackerNano; default for ONNX files) or corrected (default for the light model).")
    var sizePenalty: NanoTrackConfiguration.SizePenalty?

    func validate() throws {
        try ModelLoader.validate(scales: scales)
    }

    func load() throws -> any TrackerModel {
        try ModelLoader.load(model, head: head, scales: scales, sizePenalty: sizePenalty)
    }
}

/// The model at a `--model` path (with its `--head` for NanoTrack), or the bundled default model
/// (see MODEL.md).
enum ModelLoader {
    static func validate(scales: Int?) throws {
        if let scales, scales != 3 && scales != 5 { throw ValidationError("--scales must be 3 or 5") }
    }

    static func isONNX(_ path: String) -> Bool { path.lowercased().hasSuffix(".onnx") }

    /// With `lenient`, settings that do not apply to the model's family are ignored rather than
    /// refused (several models side by side, where they apply to the others).
    static func load(_ path: String?, head: String?, scales: Int?, sizePenalty: NanoTrackConfiguration.SizePenalty?,
                     lenient: Bool = false) throws -> any TrackerModel {
        if let path, isONNX(path) {
            guard let head else { throw CLIError("\(path): a NanoTrack backbone needs its head: add --head FILE.onnx") }
            guard scales == nil || lenient else { throw CLIError("--scales applies to SiamFC models, not to the NanoTrack model \(path)") }
            return try NanoTrackModel(backbone: path, head: head,
                                      configuration: NanoTrackConfiguration(sizePenalty: sizePenalty ?? .opencv))
        }
        if let head { throw CLIError("--head \(head) goes with an ONNX backbone given as --model FILE.onnx") }
        guard let path = path ?? SiamFCModel.bundledPath else {
            throw CLIError("the bundled model (\(SiamFCModel.bundledFileName)) is not next to this executable: pass --model FILE")
        }
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        if LightTrackNetwork.isLightModel(file) {
            guard scales == nil || lenient else { throw CLIError("--scales applies to SiamFC models, not to the light model \(path)") }
            let network = try LightTrackNetwork(file: file, source: path)
            return try NanoTrackModel(networks: try network.folded(), source: path,
                                      configuration: NanoTrackConfiguration(sizePenalty: sizePenalty ?? .corrected))
        }
        if sizePenalty != nil && !lenient { throw CLIError(sizePenaltyMisplaced) }
        return try SiamFCModel(state: file.tensors, source: path).with(configuration: scales == 5 ? .fiveScale : .threeScale)
    }

    static let sizePenaltyMisplaced = "--size-penalty applies to NanoTrack models (--model FILE.onnx --head FILE.onnx) and light models (.safetensors), not to SiamFC weights"

    /// Several `--model` paths; the `--head` files go, in order, with the ONNX ones.
    static func loadAll(_ paths: [String], heads: [String], scales: Int?,
                        sizePenalty: NanoTrackConfiguration.SizePenalty?) throws -> [any TrackerModel] {
        let onnx = paths.filter(isONNX).count
        guard heads.count == onnx else {
            throw CLIError("\(onnx) ONNX --model file\(onnx == 1 ? "" : "s") but \(heads.count) --head file\(heads.count == 1 ? "" : "s"): give one --head per ONNX backbone, in the same order")
        }
        if paths.isEmpty { return [try load(nil, head: nil, scales: scales, sizePenalty: sizePenalty)] }
        var remaining = heads[...]
        return try paths.map { path in
            let head = isONNX(path) ? remaining.popFirst() : nil
            return try load(path, head: head, scales: isONNX(path) ? nil : scales, sizePenalty: sizePenalty, lenient: true)
        }
    }

    /// The name a model goes by in tables and plots: its file name without the extension.
    static func displayName(_ model: any TrackerModel) -> String {
        var name = PathName.lastComponent(model.source)
        for suffix in [".safetensors", ".onnx"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }
}
