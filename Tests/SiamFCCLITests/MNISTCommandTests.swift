import Foundation
import Testing
import SiamFCImageIO
import SiamFCMNIST
import SiamFCTestSupport
import SiamFCSupport

/// `siamfc mnist train` and `eval` on a small synthetic data set.
@Suite struct MNISTCommandTests {
    static let tiny = ["--conv-channels", "2,4", "--hidden", "8", "--batch-size", "16", "--pairs-per-epoch", "64",
                       "--validation-digits", "100", "--quiet"]

    @Test func missingDataIsAOneLineErrorSayingWhatIsExpected() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let result = try CLI.run(["mnist", "train", "--data", dir + "/nowhere"])
        #expect(result.status == 1 && !result.crashed)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("\(dir)/nowhere") && result.stderr.contains("train-images-idx3-ubyte.gz"))
    }

    @Test func trainsEvaluatesAndRefusesToChangeAResumedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeSyntheticMNIST(to: dir)
        let train = try CLI.run(["mnist", "train", "--data", dir, "--out", dir + "/run", "--epochs", "2"] + Self.tiny)
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("finished 2 epochs"))
        #expect(FileSystem.isFile(dir + "/run/checkpoint.safetensors") && FileSystem.isFile(dir + "/run/checkpoint.json"))

        let eval = try CLI.run(["mnist", "eval", "--model", dir + "/run/checkpoint.safetensors", "--data", dir])
        #expect(eval.status == 0, "\(eval.stderr)")
        for line in ["threshold:", "test accuracy:", "ROC AUC:", "1-NN accuracy:"] { #expect(eval.stdout.contains(line)) }
        let plotted = try CLI.run(["mnist", "eval", "--model", dir + "/run/checkpoint.safetensors", "--data", dir,
                                   "--plot", dir + "/plot.png"])
        #expect(plotted.status == 0, "\(plotted.stderr)")
        let plot = try ImageDecoder().decode(file: dir + "/plot.png")
        #expect(plot.width == 1600 && plot.height == 600)
        let json = try CLI.run(["mnist", "eval", "--model", dir + "/run/checkpoint.safetensors", "--data", dir, "--json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["testAccuracy"] is Double && report?["rocAUC"] is Double)

        let finished = try CLI.run(["mnist", "train", "--data", dir, "--resume", dir + "/run/checkpoint.safetensors"])
        #expect(finished.status != 0 && finished.stderr.contains("already finished"))
        let changed = try CLI.run(["mnist", "train", "--data", dir, "--resume", dir + "/run/checkpoint.safetensors", "--lr", "0.1"])
        #expect(changed.status != 0 && changed.stderr.contains("--lr"))
        let notACheckpoint = try CLI.run(["mnist", "eval", "--model", dir + "/run/checkpoint.json", "--data", dir])
        #expect(notACheckpoint.status == 1 && notACheckpoint.stderrLines.count == 1)
    }

    @Test func twoChannelNeedsTheBCELoss() throws {
        let result = try CLI.run(["mnist", "train", "--arch", "2ch", "--loss", "contrastive"])
        #expect(result.status != 0 && result.stderr.contains("--loss bce"))
    }

    /// A real SIGINT saves a checkpoint; resuming it ends exactly where an uninterrupted run ends.
    @Test func interruptSavesACheckpointAndResumeMatchesAnUninterruptedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        try writeSyntheticMNIST(to: dir)
        let options = ["mnist", "train", "--data", dir, "--epochs", "60"] + Self.tiny
        let whole = try CLI.run(options + ["--out", dir + "/whole"])
        #expect(whole.status == 0, "\(whole.stderr)")

        // Interrupt after the first checkpoint, as Ctrl-C does.
        let stopped = try CLI.interrupt(options + ["--out", dir + "/part"]) {
            FileSystem.isFile(dir + "/part/checkpoint.safetensors")
        }
        #expect(stopped.status == 1 && !stopped.signalled, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("interrupted: checkpoint saved"))
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/part/checkpoint.json")))
        #expect(((state as? [String: Any])?["state"] as? [String: Any])?["finished"] as? Bool == false)

        let resumed = try CLI.run(["mnist", "train", "--data", dir, "--out", dir + "/part", "--quiet",
                                   "--resume", dir + "/part/checkpoint.safetensors"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // Weights, optimizer state and the loss of every step agree; only the wall time differs.
        let a = try MNISTCheckpoint.read(path: dir + "/whole/checkpoint.safetensors")
        let b = try MNISTCheckpoint.read(path: dir + "/part/checkpoint.safetensors")
        #expect(a.state.losses == b.state.losses && a.state.finished && b.state.finished)
        #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted())
        for (name, tensor) in a.tensors { #expect(b.tensors[name] == tensor, "\(name) differs") }
    }

    /// With --resume, every option that sets the configuration is refused by its flag, in the
    /// order of the help; --data, the output folder, --resume and --quiet are not among them.
    @Test func resumeRefusesEveryConfigurationOptionByItsFlag() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        // The data is found before the options are checked.
        try writeSyntheticMNIST(to: dir)
        let values = ["--arch": "pseudo", "--loss": "bce", "--distance": "cosine", "--margin": "2", "--embedding": "3",
                      "--conv-channels": "2,2", "--hidden": "3", "--epochs": "2", "--batch-size": "4", "--lr": "0.1",
                      "--optimizer": "sgd", "--schedule": "constant", "--momentum": "0.5", "--weight-decay": "0.1",
                      "--seed": "4", "--pairs-per-epoch": "5", "--validation-digits": "30", "--train-limit": "40"]
        let refused = try refusedOnResume(["mnist", "train", "--data", dir], values)
        let configurationOptions = try helpOptions(["mnist", "train"])
            .filter { !["--data", "--out", "--resume", "--quiet", "--help"].contains($0) }
        #expect(refused == configurationOptions)
        #expect(Set(refused) == Set(values.keys))
    }
}

