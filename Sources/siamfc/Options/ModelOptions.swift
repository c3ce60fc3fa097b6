import ArgumentParser
import SiamFCSupport
import SiamFCTracker

/// The tracking model a command runs and its settings.
struct ModelOptions: ParsableArguments {
    @Option(help: "Tracking model (safetensors, siamfc-pytorch names). Default: the bundled model.")
    var model: String?

    @Option(help: "3 or 5 search scales (SiamFC-3s or SiamFC-5s settings).")
    var scales = 3

    func validate() throws {
        guard scales == 3 || scales == 5 else { throw ValidationError("--scales must be 3 or 5") }
    }

    func load() throws -> SiamFCModel {
        try ModelLoader.load(model, scales: scales)
    }
}

/// The model at a `--model` path, or the bundled default model (see MODEL.md).
enum ModelLoader {
    static func load(_ path: String?, scales: Int) throws -> SiamFCModel {
        guard let path = path ?? SiamFCModel.bundledPath else {
            throw CLIError("the bundled model (\(SiamFCModel.bundledFileName)) is not next to this executable: pass --model FILE")
        }
        return try SiamFCModel(contentsOf: path).with(configuration: scales == 5 ? .fiveScale : .threeScale)
    }

    /// The name a model goes by in tables and plots: its file name without the extension.
    static func displayName(_ model: any TrackerModel) -> String {
        PathName.lastComponent(model.source).replacingOccurrences(of: ".safetensors", with: "")
    }
}
