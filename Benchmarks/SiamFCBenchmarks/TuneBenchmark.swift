import ArgumentParser
import Foundation
import SiamFCEvaluation
import SiamFCSupport
import SiamFCTracker

/// The tracking settings of a NanoTrack-interface model swept over a grid on a set of sequences:
/// the mean success AUC and precision of each combination, best first. MODEL.md reports the sweep
/// behind the bundled light model's settings (``NanoTrackConfiguration/lightTrack``).
struct TuneBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Mean AUC of a NanoTrack-interface model's tracking settings over a grid, best first.")

    @Argument(help: "Sequence folders, or folders of sequences.")
    var sequences: [String] = ["../shared/sequences"]

    @Option(help: "Light model (.safetensors) or NanoTrack backbone (.onnx, with --head). Default: the bundled light model.")
    var model: String?

    @Option(help: "NanoTrack head (.onnx) for an ONNX --model.")
    var head: String?

    @Option(help: "Size penalty: opencv or corrected (default: corrected for a light model, opencv for ONNX files).")
    var sizePenalty: String?

    @Option(parsing: .upToNextOption, help: "Window influences to try.")
    var window: [Float] = [0.35, 0.455, 0.55]

    @Option(parsing: .upToNextOption, help: "Penalty k values to try.")
    var penaltyK: [Float] = [0.03, 0.055, 0.1]

    @Option(parsing: .upToNextOption, help: "Size learning rates to try.")
    var lr: [Float] = [0.25, 0.37, 0.5]

    @Option(help: "Sequences tracked at once.")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let base: NanoTrackModel
        if let model, model.lowercased().hasSuffix(".onnx") {
            guard let head else { throw ValidationError("an ONNX --model needs --head") }
            base = try NanoTrackModel(backbone: model, head: head)
        } else {
            base = try model.map { try NanoTrackModel(lightModel: $0) } ?? NanoTrackModel.bundled()
        }
        var settings = base.configuration
        if let sizePenalty {
            guard let penalty = NanoTrackConfiguration.SizePenalty(rawValue: sizePenalty) else {
                throw ValidationError("--size-penalty must be opencv or corrected")
            }
            settings.sizePenalty = penalty
        }
        let paths = try OnePassEvaluation.discover(sequences)
        print("\(base.source): \(paths.count) sequences, size penalty \(settings.sizePenalty.rawValue), \(window.count * penaltyK.count * lr.count) settings")
        var rows: [(NanoTrackConfiguration, Double, Double)] = []
        for w in window {
            for k in penaltyK {
                for rate in lr {
                    settings.windowInfluence = w
                    settings.penaltyK = k
                    settings.learningRate = rate
                    let results = try OnePassEvaluation.run(paths, model: try base.with(configuration: settings), jobs: jobs)
                    let curves = TrackingMetrics.average(results.map(\.curves))
                    rows.append((settings, curves.successScore, curves.precisionScore))
                    print(String(format: "window %.3f  k %.3f  lr %.2f   AUC %.4f  precision %.4f",
                                 w, k, rate, curves.successScore, curves.precisionScore))
                }
            }
        }
        print("\nbest first:")
        for (setting, auc, precision) in rows.sorted(by: { $0.1 > $1.1 }).prefix(10) {
            print(String(format: "window %.3f  k %.3f  lr %.2f   AUC %.4f  precision %.4f",
                         setting.windowInfluence, setting.penaltyK, setting.learningRate, auc, precision))
        }
    }
}
