import SiamFCDrawing
import SiamFCTracker
import SiamFCImageIO

/// The loss-curve PNG of a training run: the losses per step (averaged over
/// windows so that the trend is visible), and the validation AUC per epoch when there is one.
enum TrainingPlots {
    static func write(state: TrackerTrainingState, stepsPerEpoch: Int, to path: String) throws {
        var lines = [("total loss", state.losses)]
        if state.labelLosses != state.losses { lines.append(("label loss", state.labelLosses)) }
        try write(title: "SiamFC training", lines: lines, validation: state.validation, stepsPerEpoch: stepsPerEpoch, to: path)
    }

    static func write(state: LightTrackTrainingState, stepsPerEpoch: Int, to path: String) throws {
        var lines = [("total loss", state.losses), ("class loss", state.classLosses), ("box loss", state.boxLosses)]
        if state.teacherLosses.contains(where: { $0 != 0 }) { lines.append(("teacher loss", state.teacherLosses)) }
        try write(title: "Light tracker training", lines: lines, validation: state.validation, stepsPerEpoch: stepsPerEpoch, to: path)
    }

    /// Loss lines per step and the validation AUC per epoch.
    static func write(title: String, lines: [(String, [Float])], validation: [TrackerTrainingState.ValidationRecord],
                      stepsPerEpoch: Int, to path: String) throws {
        var chart = Chart(title: title, xLabel: "Epoch", yLabel: "Loss / validation AUC")
        let steps = lines.first?.1.count ?? 0
        let window = max(1, min(50, steps / 40))
        func smoothed(_ values: [Float]) -> [(Double, Double)] {
            stride(from: 0, to: values.count, by: window).map { start in
                let part = values[start..<min(start + window, values.count)]
                let x = Double(start + part.count) / Double(max(stepsPerEpoch, 1))
                return (x, Double(part.reduce(0, +) / Float(part.count)))
            }
        }
        for (i, line) in lines.enumerated() { chart.addLine(name: line.0, points: smoothed(line.1), color: Color.palette(i)) }
        if !validation.isEmpty {
            chart.addLine(name: "validation AUC", points: validation.map { (Double($0.epoch), $0.successScore) },
                          color: Color.palette(lines.count))
        }
        chart.xRange = 0...Double(max(1, (steps + stepsPerEpoch - 1) / max(stepsPerEpoch, 1)))
        chart.legendPosition = .upperRight
        try chart.writePNG(to: path)
    }
}
