import ArgumentParser
import Foundation
import SiamFCImageIO
import SiamFCSupport
import SiamFCVideo

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Video decoding to RGB, frames per second, ours against the `ffmpeg` tool decoding the same
/// file to raw RGB (`-f rawvideo -pix_fmt rgb24` into /dev/null), at the same thread counts.
///
/// `ffmpeg` runs as one process per pass, so its wall time includes starting it and opening the
/// file; that is measured on a one-frame clip of the same kind and subtracted, so both columns
/// compare demuxing, decoding and conversion to RGB.
struct VideoDecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video-decode",
        abstract: "Video decoding to RGB, frames/s, next to the ffmpeg tool on the same file.")

    @Option(help: "Video to decode (default: the shared 640x480 sequence Coke, written as H.264 by the project's writer).")
    var video: String?

    @Option(help: "Quality of the default video's encoding (1...100; 60 is libx264 CRF 20).")
    var quality = 60

    @Option(help: "Timed passes per configuration (the median is reported).")
    var passes = 5

    @Option(help: "The ffmpeg executable.")
    var ffmpeg = "/usr/bin/ffmpeg"

    func run() throws {
        let work = "/tmp/siamfc-video-bench-\(getpid())"
        try FileSystem.createDirectories(work)
        defer { try? FileSystem.removeTree(work) }
        let file = try video ?? makeClip(in: work, frames: nil)
        let info = try VideoDecoder(path: file).info
        let count = try VideoDecoder.countFrames(path: file)
        print("video: \(file), \(info.codec), \(info.width)x\(info.height), \(count) frames")
        let tiny = try video == nil ? makeClip(in: work, frames: 1) : nil

        // The passes interleave the contenders, so that a change in the machine's load touches
        // all of them alike. CPU time (every thread's, user and system) is reported beside the
        // wall-clock rate because it depends far less on what else the machine is doing.
        let hasFFmpeg = access(ffmpeg, X_OK) == 0
        var rows: [(String, Double, Double)] = []
        for threads in [1, 0] {
            let label = threads == 1 ? "1 thread" : "auto threads"
            let threadArgs = ["-threads", threads == 1 ? "1" : "0"]
            var decoder: [Timing] = [], reader: [Timing] = [], tool: [Timing] = [], startup: [Timing] = []
            for _ in 0..<passes {
                decoder.append(try measure { try decodeAll(file, threads: threads) })
                reader.append(try measure { try readAll(file, threads: threads) })
                guard hasFFmpeg else { continue }
                tool.append(try timeProcess(ffmpegArgs(file, threadArgs)))
                if let tiny { startup.append(try timeProcess(ffmpegArgs(tiny, threadArgs))) }
            }
            func row(_ name: String, _ runs: [Timing], minus base: [Timing] = []) {
                let wall = Statistics.median(runs.map(\.wall)) - (base.isEmpty ? 0 : Statistics.median(base.map(\.wall)))
                let cpu = Statistics.median(runs.map(\.cpu)) - (base.isEmpty ? 0 : Statistics.median(base.map(\.cpu)))
                rows.append(("\(name) (\(label))", Double(count) / wall, cpu * 1000 / Double(count)))
            }
            row("ours: decode + RGB", decoder)
            row("ours: VideoFrameReader", reader)
            if hasFFmpeg { row("ffmpeg: -f rawvideo -pix_fmt rgb24", tool, minus: startup) }
        }
        print("".padding(toLength: 52, withPad: " ", startingAt: 0) + "  wall frames/s   CPU ms/frame")
        for (label, fps, cpu) in rows {
            print(label.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%16.1f %14.3f", fps, cpu))
        }
        if !hasFFmpeg { print("ffmpeg not found at \(ffmpeg): apt-get install ffmpeg (or ./scripts/setup --bench)") }
        if tiny == nil { print("(ffmpeg's start-up is included: it is subtracted only for the default clip)") }
    }

    /// Coke as H.264 in MP4 (or its first `frames`, for measuring ffmpeg's start-up).
    func makeClip(in folder: String, frames: Int?) throws -> String {
        let shared = getenv("SIAMFC_SHARED").map { String(cString: $0) } ?? "../shared"
        let files = try FrameSequence.listFrames(shared + "/sequences/Coke").frames
        let chosen = frames.map { Array(files.prefix($0)) } ?? files
        let path = folder + "/coke-\(chosen.count).mp4"
        let reader = FrameReader(files: chosen)
        var writer: VideoWriter?
        while let frame = try reader.next() {
            if writer == nil {
                writer = try VideoWriter(path: path, width: frame.image.width, height: frame.image.height, framesPerSecond: 30,
                                         codec: .h264, quality: quality)
            }
            try writer?.add(frame.image)
        }
        try writer?.finish()
        return path
    }

    func ffmpegArgs(_ file: String, _ threads: [String]) -> [String] {
        [ffmpeg, "-nostdin", "-v", "error"] + threads + ["-i", file, "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", "/dev/null"]
    }

    struct Timing {
        var wall: Double
        var cpu: Double
    }

    /// CPU seconds (user and system) of every thread of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }

    func measure(_ body: () throws -> Void) throws -> Timing {
        let (wall, cpu) = (monotonicSeconds(), Self.cpuSeconds())
        try body()
        return Timing(wall: monotonicSeconds() - wall, cpu: Self.cpuSeconds() - cpu)
    }

    func decodeAll(_ file: String, threads: Int) throws {
        let decoder = try VideoDecoder(path: file, threads: threads)
        var sink = 0
        while case .frame = try decoder.next() { sink &+= Int(try decoder.image().pixels[0]) }
        if sink == -1 { print("") }
    }

    func readAll(_ file: String, threads: Int) throws {
        let reader = try VideoFrameReader(path: file, threads: threads)
        var sink = 0
        while let frame = try reader.next() { sink &+= Int(frame.image.pixels[0]) }
        if sink == -1 { print("") }
    }

    private func timeProcess(_ argv: [String]) throws -> Timing {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let start = monotonicSeconds()
        let status = posix_spawn(&pid, argv[0], nil, nil, cArgs, environ)
        guard status == 0 else { throw ValidationError("cannot start \(argv[0]): \(String(cString: strerror(status)))") }
        var exit: Int32 = 0
        var usage = rusage()
        wait4(pid, &exit, 0, &usage)
        let elapsed = monotonicSeconds() - start
        guard exit == 0 else { throw ValidationError("\(argv.joined(separator: " ")) failed with status \(exit)") }
        return Timing(wall: elapsed, cpu: Self.seconds(usage.ru_utime) + Self.seconds(usage.ru_stime))
    }
}
