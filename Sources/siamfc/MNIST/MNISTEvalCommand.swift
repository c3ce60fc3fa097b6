import ArgumentParser
import Foundation
import SiamFCMNIST

struct MNISTEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained MNIST Siamese network.",
        discussion: """
            Pair accuracy on 10,000 fixed test pairs (half similar) at the decision threshold chosen \
            on held-out validation pairs, ROC AUC, and 1-nearest-neighbour classification accuracy of \
            test digits against the training embeddings.
            """)

    @Option(help: "A checkpoint written by siamfc mnist train.")
    var model: String

    @OptionGroup var dataOptions: MNISTDataOptions

    @Option(help: "Write the 2-D embedding of the test digits and the training loss curve to this PNG.")
    var plot: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let checkpoint = try MNISTCheckpoint.read(path: model)
        let dataset = try MNISTDataset.locate(explicit: dataOptions.data)
        let trainer = try MNISTTrainer(resuming: checkpoint, path: model, dataset: dataset)
        let report = try PairEvaluation.evaluate(trainer.model, splits: trainer.splits)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let c = checkpoint.configuration.model
            print("model:            \(model) (\(c.architecture.rawValue), \(c.loss.rawValue), \(c.distance), embedding \(c.embeddingSize))")
            print(String(format: "threshold:        %.4f (validation accuracy %.2f%% on %d pairs)", report.threshold,
                         100 * report.validationAccuracy, report.validationPairs))
            print(String(format: "test accuracy:    %.2f%% on %d pairs", 100 * report.testAccuracy, report.testPairs))
            print(String(format: "ROC AUC:          %.4f", report.rocAUC))
            if let nn = report.nearestNeighbourAccuracy {
                print(String(format: "1-NN accuracy:    %.2f%% (test digits against %d training embeddings)", 100 * nn,
                             trainer.splits.train.count))
            } else {
                print("1-NN accuracy:    n/a (the 2ch network has no embedding)")
            }
        }
        if let plot {
            try MNISTPlot.write(model: trainer.model, splits: trainer.splits, losses: checkpoint.state.losses,
                                stepsPerEpoch: trainer.stepsPerEpoch, to: plot)
            if !json { print("plot:             \(plot)") }
        }
    }
}
