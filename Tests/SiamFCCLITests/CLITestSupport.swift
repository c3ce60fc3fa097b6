import Foundation
import SiamFCImageIO
@_exported import SiamFCTestSupport

/// The result of running the `siamfc` executable.
struct CLIResult {
    let status: Int32
    /// True when the process died from a signal (a crash), not by exiting.
    let crashed: Bool
    let stdout: String
    let stderr: String

    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

enum CLI {
    /// `siamfc` sits next to the test bundle in the build products folder.
    static var executable: String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            products.appendingPathComponent("siamfc").path,
            products.deletingLastPathComponent().appendingPathComponent("siamfc").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs `siamfc arguments`; `environment` entries are added to this process's environment.
    static func run(_ arguments: [String], executable: String = CLI.executable, prefix: [String] = [],
                    environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        let launch = prefix + [executable] + arguments
        process.executableURL = URL(fileURLWithPath: launch[0])
        process.arguments = Array(launch.dropFirst())
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus,
            crashed: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `siamfc arguments`, waits until `ready()` (or two minutes), sends SIGINT as Ctrl-C
    /// does, and waits for the process to end.
    static func interrupt(_ arguments: [String], when ready: () -> Bool) throws -> (status: Int32, signalled: Bool, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !ready() && Date() < deadline && process.isRunning { usleep(10_000) }
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, stderr)
    }
}



func testImage(width: Int = 24, height: Int = 16) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width { image[x, y] = (UInt8(x * 10 % 256), UInt8(y * 15 % 256), 128) }
    }
    return image
}

/// A small valid sequence in OTB layout.
func makeSequence(_ dir: String, frames: Int = 3, groundTruth: String? = nil) throws {
    try FileManager.default.createDirectory(atPath: dir + "/img", withIntermediateDirectories: true)
    let jpeg = try ImageEncoder.jpeg(testImage())
    for i in 1...frames { try writeFile(dir + "/img/\(String(format: "%04d", i)).jpg", jpeg) }
    let lines = groundTruth ?? String(repeating: "2,3,8,6\n", count: frames)
    try writeFile(dir + "/groundtruth_rect.txt", lines)
}
