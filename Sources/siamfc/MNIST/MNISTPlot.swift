import SiamFCEngine
import SiamFCImageIO
import SiamFCMNIST
import SiamFCDrawing

/// The `--plot` figure: the test digits' embedding coloured by class (projected on its two
/// principal components when it has more than two dimensions) beside the training loss curve.
enum MNISTPlot {
    static func write(model: PairModel, splits: MNISTSplits, losses: [Float], stepsPerEpoch: Int, to path: String) throws {
        var charts: [Chart] = []
        if model.configuration.architecture != .twoChannel {
            let embeddings = try Variable.withoutGradients { try PairEvaluation.embeddings(model, digits: splits.test) }
            let points = EmbeddingProjection.project(embeddings)
            let size = model.configuration.embeddingSize
            var scatter = Chart(
                title: size == 2 ? "Test digits in the embedding" : "Test digits, \(size)-D embedding (PCA)",
                xLabel: size == 2 ? "z1" : "PC 1", yLabel: size == 2 ? "z2" : "PC 2")
            for digit in 0..<10 {
                let mine = points.indices.filter { splits.test.labels[$0] == UInt8(digit) }.map { points[$0] }
                scatter.addScatter(name: "digit \(digit)", points: mine, color: Color.palette[digit], radius: 1.6, alpha: 0.55)
            }
            charts.append(scatter)
        }
        var curve = Chart(title: "Training loss", xLabel: "epoch", yLabel: "\(model.configuration.loss.rawValue) loss")
        let perEpoch = Double(max(stepsPerEpoch, 1))
        curve.addLine(name: "per step", points: losses.indices.map { (Double($0 + 1) / perEpoch, Double(losses[$0])) },
                      color: Color.palette[7], width: 1)
        // A running mean over an epoch's worth of steps shows the trend under the batch noise.
        let window = max(1, min(stepsPerEpoch, losses.count / 10))
        var smoothed: [(Double, Double)] = []
        var sum: Float = 0
        for (i, loss) in losses.enumerated() {
            sum += loss
            if i >= window { sum -= losses[i - window] }
            if i + 1 >= window { smoothed.append((Double(i + 1) / perEpoch, Double(sum / Float(window)))) }
        }
        curve.addLine(name: "running mean", points: smoothed, color: Color.palette[0], width: 2)
        charts.append(curve)
        let image = Chart.grid(charts, columns: charts.count, cellWidth: 800, cellHeight: 600)
        try ImageEncoder.write(image, to: path)
    }
}
