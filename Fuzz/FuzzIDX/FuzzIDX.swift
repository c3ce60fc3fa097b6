import FuzzSupport
import SiamFCMNIST

/// libFuzzer's entry point: one input, any bytes. Whatever they hold, the call must return
/// (an error is a fine answer); a crash, a hang or a leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(FuzzInput.bytes(data, size))
    return 0
}

func check(_ bytes: [UInt8]) {
    _ = try? IDXFile.decode(bytes, path: "input", rank: 1)
    _ = try? IDXFile.decode(bytes, path: "input", rank: 3)
}

#if !FUZZING
/// Built without libFuzzer (no `-DFUZZING`): replays the files given as arguments.
@main
enum Replay {
    static func main() { FuzzInput.replayArguments(check) }
}
#endif
