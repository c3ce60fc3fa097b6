import ArgumentParser
import Foundation
import SiamFCDrawing
import SiamFCImageIO
import SiamFCSupport
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
            instead, as OTB toolkits read them. The score is the tracker's confidence: for SiamFC the \
            peak of the chosen scale's response, for NanoTrack the chosen cell's score after the \
            penalties and the window (OpenCV's getTrackingScore).
            """)

    @OptionGroup var input: FrameOptions

    @OptionGroup var tracking: ModelOptions

    @Option(help: "Write the boxes to this file instead of standard output.")
    var out: String?

    @Option(help: "csv (frame,file,x,y,w,h,score) or otb (x,y,w,h lines).")
    var format: TrackingTable.Format = .csv

    @Option(help: "Write every frame with its box drawn into this folder.")
    var overlay: String?

    @Option(help: "Write a grid of every Nth frame with its box to this PNG.")
    var contactSheet: String?

    @Option(help: "Frame step of the contact sheet (default: about 24 frames in all).")
    var every: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1") }
    }

    func run() throws {
        let frames = try FrameReader(folder: input.frames)
        let count = frames.files.count
        let initial = try input.initialBox()
        let tracker = try tracking.load().makeTracker()
        if let overlay { try FileSystem.createDirectories(overlay) }
        let bar = ProgressBar(quiet: quiet || count < 50)
        var results: [TrackedFrame] = []
        var sheet = ContactSheet(frameCount: count, every: every)
        let started = monotonicSeconds()
        // Ctrl-C or SIGTERM ends the run before the output is written, so a previous file stays whole.
        let interrupt = InterruptFlag()
        do {
            try TrackingLoop.run(tracker, frames: frames, initialBox: initial, shouldStop: { interrupt.isRaised }) { result, image in
                results.append(result)
                let onSheet = contactSheet != nil && sheet.wants(result.index)
                if overlay != nil || onSheet {
                    var canvas = Canvas(image: image)
                    canvas.drawBox(result.box, color: .green, lineWidth: max(2, image.width / 200))
                    if let overlay {
                        try ImageEncoder.write(canvas.image, to: overlay + "/" + String(format: "%04d.jpg", result.index + 1), quality: 90)
                    }
                    if onSheet { sheet.add(canvas.image, label: "\(result.index + 1)") }
                }
                let done = result.index + 1, elapsed = monotonicSeconds() - started
                bar.update(fraction: Double(done) / Double(count),
                           String(format: "frame %d/%d %.1f frames/s", done, count, Double(done) / max(elapsed, 1e-9)))
            }
        } catch let stop as TrackingInterrupted {
            throw CLIError("interrupted at frame \(stop.framesDone + 1) of \(count): no output written")
        }
        bar.finish()
        let text = TrackingTable.text(results, format: format)
        if let out {
            try AtomicFile.write(text, to: out)
        } else {
            print(text, terminator: "")
        }
        if let contactSheet { try ImageEncoder.write(sheet.render(), to: contactSheet) }
    }
}

extension TrackingTable.Format: ExpressibleByArgument {}
