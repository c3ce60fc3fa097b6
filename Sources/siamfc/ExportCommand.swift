import ArgumentParser
import SiamFCEngine
import SiamFCSupport
import SiamFCTracker

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export our light model as NanoTrack-interface ONNX files (backbone.onnx, head.onnx).",
        discussion: """
            The files run in OpenCV's TrackerNano (backbone and neckhead), in onnxruntime and in \
            `siamfc track --model DIR/backbone.onnx --head DIR/head.onnx`. Batch norm is folded; \
            operator set 14. Each file is written atomically. --untrained-seed exports a randomly \
            initialised light model instead of a file (to check the pipeline), and --safetensors \
            also writes the exported network as a light model file.
            """)

    @Option(help: "Directory for backbone.onnx and head.onnx (created if missing).")
    var onnx: String

    @Option(help: "The light model (.safetensors, or light-default) to export. Default: the bundled light model.")
    var model: String?

    @Option(help: "Export an untrained light model initialised with this seed, instead of --model.")
    var untrainedSeed: UInt64?

    @Option(help: "Also write the exported network as a light model file (.safetensors).")
    var safetensors: String?

    func run() throws {
        // Checked here rather than in validate(), whose errors come with the usage text.
        if model != nil && untrainedSeed != nil { throw CLIError("give either --model or --untrained-seed, not both") }
        if onnx.isEmpty { throw CLIError("--onnx needs a directory") }
        let network: LightTrackNetwork
        if let untrainedSeed {
            var generator = SplitMix64(seed: untrainedSeed)
            network = try LightTrackNetwork(using: &generator)
            network.setTraining(false)
        } else {
            let path = try ModelLoader.resolve(model)
            let file: SafetensorsFile
            do {
                file = try SafetensorsFile.read(path: path)
            } catch let error as EngineError {
                throw CLIError(error.description)
            }
            guard LightTrackNetwork.isLightModel(file) else {
                throw CLIError("\(path): SiamFC weights have no NanoTrack interface to export; give a light model file (--model FILE.safetensors)")
            }
            network = try LightTrackNetwork(file: file, source: path)
        }
        let folded = try network.folded()
        try FileSystem.createDirectories(onnx)
        let paths = try folded.exportONNX(to: onnx)
        if let safetensors { try network.save(to: safetensors) }
        print("wrote \(paths.backbone) and \(paths.head)" + (safetensors.map { " and \($0)" } ?? ""))
    }
}
