import ArgumentParser
import SiamFCImageIO
import SiamFCTracker

struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Track one object through a folder of frames and write its box in every frame.",
        discussion: """
            The initial box comes from --box or, without it, from the first line of the folder's \
            ground truth. Output (stdout, or --out written atomically) is CSV with the header \
            frame,file,x,y,w,h,score: one row per frame, the first being the initial box (its score \
            empty). Boxes are x,y,w,h in OTB's 1-based pixel coordinates: (x, y) is the top-left \
            pixel and the first pixel of a frame is (1, 1). --format otb writes plain x,y,w,h lines \
            instead, as OTB toolkits read them. The score is the peak of the chosen scale's response.
            """)

    @Argument(help: "A folder of frames, or a sequence folder with an img/ subfolder.")
    var frames: String

    @Option(help: "Initial box x,y,w,h (OTB 1-based). Default: the first ground-truth line.")
    var box: String?

    @Option(help: "Tracking model (safetensors, siamfc-pytorch names). Default: the bundled model.")
    var model: String?

    @Option(help: "Write the boxes to this file instead of standard output.")
    var out: String?

    @Option(help: "csv (frame,file,x,y,w,h,score) or otb (x,y,w,h lines).")
    var format: OutputFormat = .csv

    @Option(help: "3 or 5 search scales (SiamFC-3s or SiamFC-5s settings).")
    var scales = 3

    @Option(help: "Write every frame with its box drawn into this folder.")
    var overlay: String?

    @Option(help: "Write a grid of every Nth frame with its box to this PNG.")
    var contactSheet: String?

    @Option(help: "Frame step of the contact sheet (default: about 24 frames in all).")
    var every: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    enum OutputFormat: String, ExpressibleByArgument {
        case csv, otb
    }

    func validate() throws {
        guard scales == 3 || scales == 5 else { throw ValidationError("--scales must be 3 or 5") }
        if let every, every < 1 { throw ValidationError("--every must be at least 1") }
    }

    func run() throws {
        let listing = try FrameSequence.listFrames(frames)
        let initial = try InitialBox.resolve(box: box, frames: frames)
        let tracker = try SiamFCTracker(model: try BundledModel.load(model).model, config: scales == 5 ? .fiveScale : .threeScale)
        if let overlay { try FileSystem.createDirectories(overlay) }
        let reader = FrameReader(files: listing.frames)
        let bar = ProgressBar(quiet: quiet || listing.frames.count < 50)
        var rows: [(file: String, box: BoundingBox, score: Float?)] = []
        var sheet = ContactSheet(frameCount: listing.frames.count, every: every)
        let started = monotonicSeconds()
        var index = -1
        // Ctrl-C or SIGTERM ends the run before the output is written, so a previous file stays whole.
        let interrupt = InterruptFlag()
        while let (file, frame) = try reader.next() {
            index += 1
            if interrupt.isRaised {
                throw CLIError("interrupted at frame \(index + 1) of \(listing.frames.count): no output written")
            }
            let result: (box: BoundingBox, score: Float?)
            do {
                if index == 0 {
                    try tracker.initialize(frame: frame, box: initial)
                    result = (initial, nil)
                } else {
                    let (box, score) = try tracker.update(frame: frame)
                    result = (box, score)
                }
            } catch let error as TrackerError {
                throw CLIError("\(file): \(error.message)")
            }
            rows.append((PathNameDisplay.lastComponent(file), result.box, result.score))
            let onSheet = contactSheet != nil && sheet.wants(index)
            if overlay != nil || onSheet {
                var canvas = Canvas(image: frame)
                canvas.drawBox(result.box, color: .green, lineWidth: max(2, frame.width / 200))
                if let overlay {
                    try ImageEncoder.write(canvas.image, to: overlay + "/" + String(format: "%04d.jpg", index + 1), quality: 90)
                }
                if onSheet { sheet.add(canvas.image, label: "\(index + 1)") }
            }
            let elapsed = monotonicSeconds() - started
            bar.update(fraction: Double(index + 1) / Double(listing.frames.count),
                       String(format: "frame %d/%d %.1f frames/s", index + 1, listing.frames.count, Double(index + 1) / max(elapsed, 1e-9)))
        }
        bar.finish()
        let text = format == .csv ? csv(rows) : rows.map { $0.box.description + "\n" }.joined()
        if let out {
            try AtomicFile.write(text, to: out)
        } else {
            print(text, terminator: "")
        }
        if let contactSheet { try ImageEncoder.write(sheet.render(), to: contactSheet) }
    }

    func csv(_ rows: [(file: String, box: BoundingBox, score: Float?)]) -> String {
        var text = "frame,file,x,y,w,h,score\n"
        for (i, row) in rows.enumerated() {
            let b = row.box
            let fields = [BoundingBox.format(b.x), BoundingBox.format(b.y), BoundingBox.format(b.width), BoundingBox.format(b.height)]
            let score = row.score.map { String(format: "%.5f", $0) } ?? ""
            text += "\(i + 1),\(csvField(row.file)),\(fields.joined(separator: ",")),\(score)\n"
        }
        return text
    }

    func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The default model that ships with the package (see MODEL.md), or the one --model names.
enum BundledModel {
    /// The model at `explicit` (`--model`), or the bundled default model. Returns the model and
    /// the file it came from.
    static func load(_ explicit: String?) throws -> (model: SiamFCModel, path: String) {
        guard let path = explicit ?? SiamFCModel.bundledPath else {
            throw CLIError("the bundled model (\(SiamFCModel.bundledFileName)) is not next to this executable: pass --model FILE")
        }
        do {
            return (try SiamFCModel(contentsOf: path), path)
        } catch let error as TrackerError {
            throw CLIError(error.message)
        }
    }
}

/// Path helpers for display.
enum PathNameDisplay {
    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

import Foundation
import SiamFCSupport
import SiamFCDrawing
