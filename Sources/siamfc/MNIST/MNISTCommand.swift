import ArgumentParser

struct MNISTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist",
        abstract: "Train and evaluate Siamese networks on MNIST pairs: the proof that the engine learns.",
        subcommands: [MNISTTrainCommand.self, MNISTEvalCommand.self])
}

/// Where the MNIST files are, shared by `train` and `eval`.
struct MNISTDataOptions: ParsableArguments {
    @Option(help: "Folder with the four MNIST IDX files (.gz or raw). Default: $SIAMFC_MNIST, then ./data/mnist.")
    var data: String?
}
