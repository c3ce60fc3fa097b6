import SiamFCDrawing
import SiamFCTracker
import SiamFCImageIO

/// The loss-curve PNG of a training run: the total and label loss per step (averaged over
/// windows so that the trend is visible), and the validation AUC per epoch when there is one.
enum TrainingPlots {
    static func write(state: TrackerTrainingState, stepsPerEpoch: Int, to path: String) throws {
        var chart = Chart(title: "SiamFC training", xLabel: "Epoch", yLabel: "Loss / validation AUC")
        let window = max(1, min(50, state.losses.count / 40))
        func smoothed(_ values: [Float]) -> [(Double, Double)] {
            stride(from: 0, to: values.count, by: window).map { start in
                let part = values[start..<min(start + window, values.count)]
                let x = Double(start + part.count) / Double(max(stepsPerEpoch, 1))
                return (x, Double(part.reduce(0, +) / Float(part.count)))
            }
        }
        chart.addLine(name: "total loss", points: smoothed(state.losses), color: Color.palette(0))
        if state.labelLosses != state.losses {
            chart.addLine(name: "label loss", points: smoothed(state.labelLosses), color: Color.palette(1))
        }
        if !state.validation.isEmpty {
            chart.addLine(name: "validation AUC", points: state.validation.map { (Double($0.epoch), $0.successScore) },
                          color: Color.palette(2))
        }
        chart.xRange = 0...Double(max(1, (state.losses.count + stepsPerEpoch - 1) / max(stepsPerEpoch, 1)))
        chart.legendPosition = .upperRight
        try chart.writePNG(to: path)
    }
}
