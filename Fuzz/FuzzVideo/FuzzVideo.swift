import FuzzSupport
import SiamFCVideo

/// libFuzzer's entry point: one input, any bytes, opened as a video from memory and decoded to
/// RGB. FFmpeg is fuzzed upstream; this covers the shim (custom I/O, refused nested opens,
/// rotation, conversion, the pixel limit) and the Swift around it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(FuzzInput.bytes(data, size))
    return 0
}

/// A small pixel limit and frame budget keep each run fast; the limit itself is under test too.
func check(_ bytes: [UInt8]) {
    VideoDecoder.limitAllocations(to: 256 << 20)
    guard let decoder = try? VideoDecoder(bytes: bytes, label: "input", maxPixels: 1024 * 1024, threads: 1) else { return }
    for _ in 0..<32 {
        guard let event = try? decoder.next() else { return }
        switch event {
        case .end: return
        case .unreadable: continue
        case .frame: _ = try? decoder.image()
        }
    }
}

#if !FUZZING
/// Built without libFuzzer (no `-DFUZZING`): replays the files given as arguments.
@main
enum Replay {
    static func main() { FuzzInput.replayArguments(check) }
}
#endif
