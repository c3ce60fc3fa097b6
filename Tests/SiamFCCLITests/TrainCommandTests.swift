import Foundation
import Testing
import SiamFCImageIO
import SiamFCTracker
import SiamFCTestSupport
import SiamFCTraining
import SiamFCSupport

/// `siamfc train` on a short synthetic sequence with a tiny network.
@Suite struct TrainCommandTests {
    static let tiny = ["--widths", "8,16,16,16,12", "--batch-size", "4", "--quiet"]

    @Test func trainsValidatesAndWritesAModelThatTrackCanUse() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, teacher) = try TrackCommandTests().fixture(dir, frames: 8)
        let result = try CLI.run(["train", "--data", sequence, "--val", sequence, "--out", dir + "/run", "--epochs", "2",
                                  "--pairs-per-epoch", "8", "--teacher", teacher] + Self.tiny)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("finished 4 steps") && result.stdout.contains("validation AUC"))
        for file in ["model.safetensors", "checkpoint.safetensors", "checkpoint.json", "loss.png"] {
            #expect(FileSystem.isFile(dir + "/run/" + file), "\(file)")
        }
        let checkpoint = try TrackerCheckpoint.read(path: dir + "/run/checkpoint.safetensors")
        #expect(checkpoint.state.validation.map(\.epoch) == [1, 2])
        #expect(checkpoint.state.validation.allSatisfy { (0...1).contains($0.successScore) })
        let tracked = try CLI.run(["track", sequence, "--model", dir + "/run/model.safetensors", "--format", "otb"])
        #expect(tracked.status == 0 && tracked.stdout.split(separator: "\n").count == 8, "\(tracked.stderr)")
    }

    /// `siamfc train-light` reports the same way, keeps the best epoch, continues from an earlier
    /// model with `--initial-model`, and refuses that option on `--resume`.
    @Test func trainLightValidatesKeepsTheBestEpochAndStartsFromAModel() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try TrackCommandTests().fixture(dir, frames: 8)
        let light = ["train-light", "--data", sequence, "--val", sequence, "--epochs", "2", "--pairs-per-epoch", "4",
                     "--batch-size", "2", "--negatives", "0", "--quiet"]
        let first = try CLI.run(light + ["--out", dir + "/a"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("finished 4 steps") && first.stdout.contains("best validation AUC"), "\(first.stdout)")
        #expect(FileSystem.isFile(dir + "/a/best.safetensors") && FileSystem.isFile(dir + "/a/model.safetensors"))
        let next = try CLI.run(light + ["--out", dir + "/b", "--initial-model", dir + "/a/model.safetensors"])
        #expect(next.status == 0 && next.stdout.contains("finished 4 steps"), "\(next.stderr)")
        let resumed = try CLI.run(["train-light", "--resume", dir + "/b/checkpoint.safetensors",
                                   "--initial-model", dir + "/a/model.safetensors"])
        #expect(resumed.status != 0 && resumed.stderr.contains("drop --initial-model"), "\(resumed.stderr)")
    }

    @Test func badOptionsFailOnOneLine() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try TrackCommandTests().fixture(dir, frames: 4)
        let cases: [([String], String)] = [
            (["train", "--data", sequence, "--widths", "8,16"], "five numbers"),
            (["train", "--data", sequence, "--widths", "8,15,16,16,12"], "even"),
            (["train", "--data", sequence, "--batch-size", "1"], "batch size"),
            (["train"], "--data"),
            (["train", "--data", dir + "/missing"], dir + "/missing"),
            (["train", "--data", sequence, "--teacher", dir + "/missing.safetensors"], "missing.safetensors"),
            (["train", "--resume", dir + "/missing.safetensors"], "missing.safetensors"),
            (["train", "--resume", dir + "/model.safetensors"], "not a tracker training checkpoint"),
            (["train-light", "--data", sequence, "--network", dir + "/missing.json"], dir + "/missing.json: no such file"),
            (["train-light", "--data", sequence, "--network", dir + "/strided.json"], "16x16"),
            (["train-light", "--data", sequence, "--pseudo-targets", "0.5"], "pseudo-targets need a teacher"),
            (["train-light", "--data", sequence, "--intermediate-hint", "/features/features.3/Add_output_0"],
             "an intermediate hint needs a teacher"),
        ]
        var strided = LightTrackConfiguration.standard
        strided.blocks[0].stride = 1
        try writeFile(dir + "/strided.json", try strided.json())
        for (arguments, expected) in cases {
            let result = try CLI.run(arguments + ["--out", dir + "/run"])
            #expect(result.status != 0 && !result.crashed, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(result.stderrLines.filter { !$0.hasPrefix("Usage") && !$0.hasPrefix("  See") && !$0.isEmpty }.count == 1,
                    "\(arguments): \(result.stderr)")
        }
    }

    /// A real SIGINT saves a checkpoint; resuming it (options come from the checkpoint) ends
    /// exactly where an uninterrupted run ends.
    @Test func interruptSavesACheckpointAndResumeMatchesAnUninterruptedRun() throws {
        let dir = makeTemporaryDirectory()
        defer { removeTemporary(dir) }
        let (sequence, _) = try TrackCommandTests().fixture(dir, frames: 6)
        let options = ["train", "--data", sequence, "--epochs", "1", "--pairs-per-epoch", "160", "--checkpoint-every", "2"]
            + Self.tiny
        let whole = try CLI.run(options + ["--out", dir + "/whole"])
        #expect(whole.status == 0, "\(whole.stderr)")

        // Interrupt after the first checkpoint, as Ctrl-C does.
        let stopped = try CLI.interrupt(options + ["--out", dir + "/part"]) {
            FileSystem.isFile(dir + "/part/checkpoint.safetensors")
        }
        #expect(stopped.status == 1 && !stopped.signalled, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("interrupted: checkpoint saved"))
        let saved = try TrackerCheckpoint.read(path: dir + "/part/checkpoint.safetensors")
        #expect(!saved.state.finished && saved.state.step < 40)

        let again = try CLI.run(["train", "--resume", dir + "/part/checkpoint.safetensors", "--epochs", "3"])
        #expect(again.status != 0 && again.stderr.contains("drop --epochs"))
        let resumed = try CLI.run(["train", "--resume", dir + "/part/checkpoint.safetensors", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try TrackerCheckpoint.read(path: dir + "/whole/checkpoint.safetensors")
        let b = try TrackerCheckpoint.read(path: dir + "/part/checkpoint.safetensors")
        #expect(a.state.losses == b.state.losses && a.state.finished && b.state.finished)
        #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted())
        for (name, tensor) in a.tensors { #expect(b.tensors[name] == tensor, "\(name) differs") }
    }

    /// With --resume, every option that sets the configuration is refused by its flag, in the
    /// order of the help; they are all the options but the output folder, --resume and --quiet.
    @Test func resumeRefusesEveryConfigurationOptionByItsFlag() throws {
        let values = ["--data": "d", "--val": "v", "--widths": "8,8,8,8,8", "--epochs": "2", "--pairs-per-epoch": "8",
                      "--batch-size": "4", "--max-gap": "3", "--lr": "0.1", "--final-lr": "0.01", "--teacher": "t",
                      "--response-weight": "2", "--feature-weight": "0", "--seed": "3", "--checkpoint-every": "5"]
        let refused = try refusedOnResume(["train"], values)
        let configurationOptions = try helpOptions(["train"]).filter { !["--out", "--resume", "--quiet", "--help"].contains($0) }
        #expect(refused == configurationOptions)
        #expect(Set(refused) == Set(values.keys))
    }
}

/// The flags a `--resume` run refuses when given every option of `values`.
func refusedOnResume(_ command: [String], _ values: [String: String]) throws -> [String] {
    let options = values.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
    let result = try CLI.run(command + ["--resume", "missing.safetensors"] + options)
    let line = result.stderrLines.first { $0.contains("--resume continues the saved configuration; drop ") } ?? ""
    guard let range = line.range(of: "; drop ") else { return [] }
    return line[range.upperBound...].components(separatedBy: ", ")
}

/// The long flags of a command's OPTIONS section, in order.
func helpOptions(_ command: [String]) throws -> [String] {
    let help = try CLI.run(command + ["--help"]).stdout
    return help.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("  -") else { return nil }
        return line.split(separator: " ").first { $0.hasPrefix("--") }.map(String.init)
    }
}
