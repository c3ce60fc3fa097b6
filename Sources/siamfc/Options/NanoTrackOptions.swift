import ArgumentParser
import SiamFCTracker

extension NanoTrackConfiguration.SizePenalty: ExpressibleByArgument {}

/// The tracking settings of NanoTrack-interface models (OpenCV's NanoTrack files and our light
/// model), each overriding the model's default when given.
struct NanoTrackOptions: ParsableArguments {
    @Option(help: "NanoTrack and the light model: size penalty, opencv (as OpenCV's TrackerNano; default for ONNX files) or corrected (default for the light model).")
    var sizePenalty: NanoTrackConfiguration.SizePenalty?

    @Option(help: "NanoTrack and the light model: weight of the cosine window against the score, 0...1.")
    var windowInfluence: Float?

    @Option(help: "NanoTrack and the light model: strength of the size and ratio change penalty, at least 0.")
    var penaltyK: Float?

    @Option(help: "NanoTrack and the light model: how fast the box size follows the prediction, 0...1.")
    var sizeLearningRate: Float?

    /// True when no setting is given.
    var isEmpty: Bool { sizePenalty == nil && windowInfluence == nil && penaltyK == nil && sizeLearningRate == nil }

    /// The flags given, for messages.
    var given: String {
        [sizePenalty.map { _ in "--size-penalty" }, windowInfluence.map { _ in "--window-influence" },
         penaltyK.map { _ in "--penalty-k" }, sizeLearningRate.map { _ in "--size-learning-rate" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    /// `base` with the settings given.
    func applied(to base: NanoTrackConfiguration) -> NanoTrackConfiguration {
        var configuration = base
        if let sizePenalty { configuration.sizePenalty = sizePenalty }
        if let windowInfluence { configuration.windowInfluence = windowInfluence }
        if let penaltyK { configuration.penaltyK = penaltyK }
        if let sizeLearningRate { configuration.learningRate = sizeLearningRate }
        return configuration
    }
}
