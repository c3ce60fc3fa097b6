import ArgumentParser

struct MNISTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Train and evaluate Siamese networks on MNIST pairs: the proof that the engine learns.",
        subcommands: [MNISTTrainCommand.self, MNISTEvalCommand.self])
}
