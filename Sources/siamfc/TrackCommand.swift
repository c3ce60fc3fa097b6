import ArgumentParser
import Foundation
import SiamFCDrawing
import SiamFCImageIO
import SiamFCSupport
import SiamFCTracker
import SiamFCVideo

struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Track one object through a folder of frames or a video file and write its box in every frame.",
        discussion: """
            The initial box comes from --box or, without it, from the folder's ground truth. Output \
            (stdout, or --out written atomically) is CSV with the header \
            frame,file,pts_seconds,x,y,w,h,score,status: one row per frame. frame is the frame's \
            1-based number in its source (a folder's file order, or a video's frames counted from \
            its first); file the image file, or the video's name; pts_seconds a video frame's \
            presentation timestamp in seconds from the start of its stream (empty for images). \
            Boxes are x,y,w,h in OTB's 1-based pixel coordinates: (x, y) is the top-left pixel and \
            the first pixel of a frame is (1, 1). score is the tracker's confidence (for SiamFC the \
            peak of the chosen scale's response, for NanoTrack the chosen cell's score after the \
            penalties and the window); status is initial (the given box), tracked, damaged (the \
            frame decoded with errors concealed, tracked anyway) or skipped (the frame could not be \
            decoded, or had another size: the last box is kept, the score left empty). --format otb \
            writes plain x,y,w,h lines instead, as OTB toolkits read them.

            A frame that cannot be decoded is skipped and the run goes on; a summary line names \
            such frames at the end, and the exit status is 0. --strict stops at the first one \
            instead. When a run stops early (--strict, Ctrl-C, SIGTERM, an error), the rows tracked \
            so far are written to OUT.partial (and a video overlay to OVERLAY.partial), never over \
            a previous OUT; the exit status is then 1.
            """)

    @OptionGroup var input: FrameOptions

    @OptionGroup var tracking: ModelOptions

    @OptionGroup var starting: StartOptions

    @Option(help: "Track at most this many frames (the first included).")
    var frames: Int?

    @Flag(help: "Stop at the first frame that cannot be decoded (the rows done are kept in OUT.partial).")
    var strict = false

    @Option(help: "Write the boxes to this file instead of standard output.")
    var out: String?

    @Option(help: "csv (frame,file,pts_seconds,x,y,w,h,score,status) or otb (x,y,w,h lines).")
    var format: TrackingTable.Format = .csv

    @Option(help: "Write every frame with its box drawn: a video when the name ends in .mp4, .mkv, .mov, .avi (H.264 by libx264, else MPEG-4), else a folder of JPEGs.")
    var overlay: String?

    @Option(help: "Write a grid of every Nth frame with its box to this PNG.")
    var contactSheet: String?

    @Option(help: "Frame step of the contact sheet (default: about 24 frames in all).")
    var every: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1") }
    }

    func run() throws {
        let sequence = try MediaSequence(path: input.frames)
        let start = starting.position
        let initial: BoundingBox
        switch start {
        case .frame(let index): initial = try input.initialBox(at: index)
        case .time:
            guard input.box != nil else { throw CLIError("--start TIME needs --box x,y,w,h (ground truth is by frame: use --start-frame)") }
            initial = try input.initialBox()
        }
        let tracker = try tracking.load().makeTracker()
        let source = try sequence.frames(start: start)
        let video = (source as? VideoFrameReader)?.info
        let count = expectedFrames(sequence: sequence, video: video, start: start)
        let overlayOutput = try overlay.map { try TrackOverlay(path: $0, framesPerSecond: video?.framesPerSecond ?? 30) }
        let bar = ProgressBar(quiet: quiet || (count ?? 100) < 50)
        var results: [TrackedFrame] = []
        var sheet = ContactSheet(frameCount: count ?? 240, every: every)
        var skipped = 0
        let started = monotonicSeconds()
        // Ctrl-C or SIGTERM stops the loop between frames, so the rows done can be kept whole.
        let interrupt = InterruptFlag()
        do {
            try TrackingLoop.run(tracker, frames: source, initialBox: initial, strict: strict, limit: frames,
                                 shouldStop: { interrupt.isRaised }) { result, image in
                results.append(result)
                if result.status == .skipped { skipped += 1 }
                try overlayOutput?.add(result, image: image)
                if contactSheet != nil && sheet.wants(results.count - 1) {
                    var canvas = Canvas(image: image)
                    canvas.drawBox(result.box, color: result.status == .skipped ? .red : .green, lineWidth: max(2, image.width / 200))
                    sheet.add(canvas.image, label: "\(result.index + 1)")
                }
                let done = results.count, elapsed = monotonicSeconds() - started
                let total = count.map { "/\($0)" } ?? ""
                let fraction = count.map { Double(done) / Double(max($0, done)) } ?? 0
                bar.update(fraction: fraction, String(format: "frame %d%@ %.1f frames/s", done, total, Double(done) / max(elapsed, 1e-9))
                    + (skipped > 0 ? ", \(skipped) skipped" : ""))
            }
        } catch {
            bar.finish()
            throw stopped(error, results: results, overlay: overlayOutput)
        }
        bar.finish()
        guard !results.isEmpty else {
            throw CLIError("\(input.frames): no frames to track" + (starting.start != nil || starting.startFrame != nil ? " at or after the start" : ""))
        }
        let text = TrackingTable.text(results, format: format)
        try overlayOutput?.finish(partial: false)
        if let overlayOutput, overlayOutput.isVideo { try? FileManager.default.removeItem(atPath: overlayOutput.path + ".partial") }
        if let out {
            try AtomicFile.write(text, to: out)
            // A finished run supersedes what an earlier one that stopped early kept.
            try? FileManager.default.removeItem(atPath: out + ".partial")
        } else {
            print(text, terminator: "")
        }
        if let contactSheet { try ImageEncoder.write(sheet.render(), to: contactSheet) }
        for line in Self.summary(results) { printError("warning: " + line) }
    }

    /// The frames the run will see, for the progress bar: a folder's count, or what a video's
    /// header suggests.
    func expectedFrames(sequence: MediaSequence, video: VideoInfo?, start: VideoFrameReader.Start) -> Int? {
        var total: Int?
        if let known = sequence.frameCount, case .frame(let first) = start {
            total = max(known - first, 0)
        } else if let video, case .frame(let first) = start {
            let estimate = video.declaredFrameCount
                ?? video.duration.flatMap { d in video.framesPerSecond.map { Int((d * $0).rounded()) } }
            total = estimate.map { max($0 - first, 0) }
        }
        if let frames { return min(total ?? frames, frames) }
        return total
    }

    /// The error for a run that stopped early, after keeping its rows (and overlay video) under
    /// names that mark them partial.
    func stopped(_ error: Error, results: [TrackedFrame], overlay: TrackOverlay?) -> Error {
        var kept: [String] = []
        if !results.isEmpty, let out {
            let partial = out + ".partial"
            do {
                try AtomicFile.write(TrackingTable.text(results, format: format), to: partial)
                kept.append("\(results.count) rows in \(partial)")
            } catch {
                kept.append("the rows could not be kept (\(error))")
            }
        }
        if let overlay, overlay.isVideo {
            do {
                try overlay.finish(partial: true)
                if !results.isEmpty { kept.append("the overlay in \(overlay.path).partial") }
            } catch {
                kept.append("the overlay could not be kept (\(error))")
            }
        }
        let keptText: String
        if kept.isEmpty {
            keptText = results.isEmpty || out != nil ? "no output written" : "no output written (use --out FILE to keep the rows of a run that stops early)"
        } else {
            keptText = "kept " + kept.joined(separator: " and ")
        }
        if let stop = error as? TrackingInterrupted {
            return CLIError("interrupted at frame \(stop.framesDone + 1): \(keptText)")
        }
        let reason = strict && error is UnreadableFrame ? "\(error) (--strict)" : "\(error)"
        return CLIError(results.isEmpty ? reason : "\(reason): \(keptText)")
    }

    /// One line for the skipped frames and one for the damaged ones, when there are any.
    static func summary(_ results: [TrackedFrame]) -> [String] {
        var lines: [String] = []
        let skipped = results.filter { $0.status == .skipped }
        if !skipped.isEmpty {
            lines.append("\(skipped.count) of \(results.count) frames could not be decoded: " + listing(skipped)
                         + "; \(skipped.count == 1 ? "its row is" : "their rows are") marked skipped")
        }
        let damaged = results.filter { $0.status == .damaged }
        if !damaged.isEmpty {
            lines.append("\(damaged.count) of \(results.count) frames decoded with errors: " + listing(damaged)
                         + "; \(damaged.count == 1 ? "its row is" : "their rows are") marked damaged")
        }
        return lines
    }

    /// The first three problems in full, then a count.
    static func listing(_ rows: [TrackedFrame]) -> String {
        let shown = rows.prefix(3).map { $0.problem ?? Frame.describe(name: $0.name, index: $0.index, time: $0.time) }
        return shown.joined(separator: "; ") + (rows.count > 3 ? "; and \(rows.count - 3) more" : "")
    }
}

extension TrackingTable.Format: ExpressibleByArgument {}
