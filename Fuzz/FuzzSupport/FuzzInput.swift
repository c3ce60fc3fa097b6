#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// What the fuzz targets share: turning libFuzzer's input into bytes, and replaying files
/// through a target when it is built without libFuzzer.
public enum FuzzInput {
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// Runs every file named on the command line through `body`: replays a corpus or a crash.
    /// An unreadable file ends the run with a one-line error and status 1.
    public static func replayArguments(_ body: ([UInt8]) -> Void) {
        for path in CommandLine.arguments.dropFirst() {
            do {
                body(try FileBytes.read(path))
            } catch {
                let line = Array("Error: \(error)\n".utf8)
                _ = line.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
                exit(1)
            }
        }
        print("\(CommandLine.arguments.count - 1) inputs replayed")
    }
}
