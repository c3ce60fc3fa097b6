import ArgumentParser
import Foundation
import SiamFCImageIO
import SiamFCSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decode time per frame, ours against libjpeg-turbo's `djpeg` on the same files.
///
/// `djpeg` runs as one process per file, so its wall time includes starting a process. That
/// start-up cost is measured separately (djpeg on an 8x8 JPEG) and subtracted, so both columns
/// compare decoding (file read, entropy decoding, IDCT, colour conversion) and nothing else.
struct DecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Per-frame JPEG decode time next to djpeg (libjpeg-turbo-progs).")

    @Option(help: "Sequence folder whose frames are decoded (default: the shared 640x480 sequence Coke).")
    var frames: String?

    @Option(help: "Frames to use.")
    var count = 100

    @Option(help: "Timed passes over the frames (the median frame time is reported).")
    var passes = 5

    @Option(help: "The djpeg executable.")
    var djpeg = "/usr/bin/djpeg"

    func run() throws {
        let shared = getenv("SIAMFC_SHARED").map { String(cString: $0) } ?? "../shared"
        let folder = frames ?? shared + "/sequences/Coke"
        let sequence = try FrameSequence(path: folder)
        let files = Array(sequence.frames.prefix(count))
        let decoder = ImageDecoder()
        let first = try decoder.decode(file: files[0])
        print("frames: \(files.count) from \(folder), \(first.width)x\(first.height)")

        // Warm the page cache and the decoder once.
        for file in files { _ = try decoder.decode(file: file) }

        var ours: [Double] = []
        var oursCHW: [Double] = []
        var sink: Float = 0
        for _ in 0..<passes {
            for file in files {
                let start = now()
                let image = try decoder.decode(file: file)
                let decoded = now()
                let chw = image.chwFloat32()
                let converted = now()
                sink += chw[chw.count / 2]
                ours.append(decoded - start)
                oursCHW.append(converted - start)
            }
        }
        report("ours: read + decode to RGB", ours)
        report("ours: read + decode + CHW Float32", oursCHW)

        guard access(djpeg, X_OK) == 0 else {
            print("djpeg not found at \(djpeg): install libjpeg-turbo-progs (./scripts/setup --bench)")
            return
        }
        let tiny = "/tmp/siamfc-bench-8x8-\(getpid()).jpg"
        try ImageEncoder.write(RGBImage(width: 8, height: 8), to: tiny)
        defer { unlink(tiny) }
        var startup: [Double] = []
        var theirs: [Double] = []
        for _ in 0..<passes {
            for file in files {
                startup.append(try timeProcess([djpeg, "-outfile", "/dev/null", tiny]))
                theirs.append(try timeProcess([djpeg, "-outfile", "/dev/null", file]))
            }
        }
        let base = Statistics.median(startup)
        report("djpeg: process wall time", theirs)
        print(pad("djpeg: start-up (8x8 file)") + format(base))
        let corrected = theirs.map { $0 - base }
        report("djpeg: minus start-up", corrected)
        print(pad("ratio ours/djpeg (median)") + String(format: "%.2f", Statistics.median(ours) / Statistics.median(corrected)))
        if sink.isNaN { print("") }  // keeps the conversion from being optimised away
    }

    private func timeProcess(_ argv: [String]) throws -> Double {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let start = now()
        let status = posix_spawn(&pid, argv[0], nil, nil, cArgs, environ)
        guard status == 0 else { throw ValidationError("cannot start \(argv[0]): \(String(cString: strerror(status)))") }
        var exit: Int32 = 0
        waitpid(pid, &exit, 0)
        let elapsed = now() - start
        guard exit == 0 else { throw ValidationError("\(argv.joined(separator: " ")) failed with status \(exit)") }
        return elapsed
    }

    private func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    private func format(_ ms: Double) -> String { String(format: "%.3f ms", ms) }
    private func pad(_ label: String) -> String { label.padding(toLength: 38, withPad: " ", startingAt: 0) }

    private func report(_ label: String, _ values: [Double]) {
        print(pad(label) + "median " + format(Statistics.median(values)) + "   p90 " + format(Statistics.percentile(values, 0.9)))
    }
}
