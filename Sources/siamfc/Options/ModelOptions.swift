import ArgumentParser
import Foundation
import SiamFCEngine
import SiamFCSupport
import SiamFCTracker

/// The tracking model a command runs and its settings.
struct ModelOptions: ParsableArguments {
    @Option(help: "Tracking model: SiamFC weights or our light model (.safetensors), a NanoTrack backbone (.onnx, with --head), or a bundled model's name (light-default, the default; siamfc-default).")
    var model: String?

    @Option(help: "The NanoTrack neck-and-head file (.onnx) that goes with an ONNX --model (OpenCV's 'neckhead').")
    var head: String?

    @Option(help: "SiamFC: 3 or 5 search scales (SiamFC-3s or SiamFC-5s settings; default 3).")
    var scales: Int?

    @OptionGroup var nanoTrack: NanoTrackOptions

    func validate() throws {
        try ModelLoader.validate(scales: scales)
    }

    func load() throws -> any TrackerModel {
        try ModelLoader.load(model, head: head, scales: scales, nanoTrack: nanoTrack)
    }
}

/// The model at a `--model` path (with its `--head` for NanoTrack), a bundled model by name, or
/// the bundled default model (see MODEL.md).
enum ModelLoader {
    static func validate(scales: Int?) throws {
        if let scales, scales != 3 && scales != 5 { throw ValidationError("--scales must be 3 or 5") }
    }

    static func isONNX(_ path: String) -> Bool { path.lowercased().hasSuffix(".onnx") }

    /// With `lenient`, settings that do not apply to the model's family are ignored rather than
    /// refused (several models side by side, where they apply to the others).
    static func load(_ path: String?, head: String?, scales: Int?, nanoTrack: NanoTrackOptions,
                     lenient: Bool = false) throws -> any TrackerModel {
        if let path, isONNX(path) {
            guard let head else { throw CLIError("\(path): a NanoTrack backbone needs its head: add --head FILE.onnx") }
            guard scales == nil || lenient else { throw CLIError("--scales applies to SiamFC models, not to the NanoTrack model \(path)") }
            return try NanoTrackModel(backbone: path, head: head,
                                      configuration: nanoTrack.applied(to: .opencv))
        }
        if let head { throw CLIError("--head \(head) goes with an ONNX backbone given as --model FILE.onnx") }
        let path = try resolve(path)
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as EngineError {
            throw TrackerError(error.description)
        }
        if LightTrackNetwork.isLightModel(file) {
            guard scales == nil || lenient else { throw CLIError("--scales applies to SiamFC models, not to the light model \(path)") }
            let network = try LightTrackNetwork(file: file, source: path)
            return try NanoTrackModel(lightNetwork: network, source: path, configuration: nanoTrack.applied(to: .lightTrack))
        }
        if !nanoTrack.isEmpty && !lenient { throw CLIError(nanoTrackSettingsMisplaced(nanoTrack)) }
        return try SiamFCModel(state: file.tensors, source: path).with(configuration: scales == 5 ? .fiveScale : .threeScale)
    }

    static func nanoTrackSettingsMisplaced(_ options: NanoTrackOptions) -> String {
        "\(options.given) appl\(options.given.contains(",") ? "y" : "ies") to NanoTrack models (--model FILE.onnx --head FILE.onnx) and light models, not to SiamFC weights"
    }

    /// A model file's path, a bundled model's name made a path (when no such file exists), or,
    /// for none, the bundled default model's path.
    static func resolve(_ path: String?) throws -> String {
        guard let path else { return try BundledModel.default.requirePath() }
        if let bundled = BundledModel(rawValue: path), !FileManager.default.fileExists(atPath: path) {
            return try bundled.requirePath()
        }
        return path
    }

    /// Several `--model` paths; the `--head` files go, in order, with the ONNX ones.
    static func loadAll(_ paths: [String], heads: [String], scales: Int?,
                        nanoTrack: NanoTrackOptions) throws -> [any TrackerModel] {
        let onnx = paths.filter(isONNX).count
        guard heads.count == onnx else {
            throw CLIError("\(onnx) ONNX --model file\(onnx == 1 ? "" : "s") but \(heads.count) --head file\(heads.count == 1 ? "" : "s"): give one --head per ONNX backbone, in the same order")
        }
        if paths.isEmpty { return [try load(nil, head: nil, scales: scales, nanoTrack: nanoTrack)] }
        var remaining = heads[...]
        return try paths.map { path in
            let head = isONNX(path) ? remaining.popFirst() : nil
            return try load(path, head: head, scales: isONNX(path) ? nil : scales, nanoTrack: nanoTrack, lenient: true)
        }
    }

    /// The name a model goes by in tables and plots: its file name without the extension.
    static func displayName(_ model: any TrackerModel) -> String {
        var name = PathName.lastComponent(model.source)
        for suffix in [".safetensors", ".onnx"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }
}
