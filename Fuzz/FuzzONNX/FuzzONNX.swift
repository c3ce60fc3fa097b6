import FuzzSupport
import SiamFCONNX

/// libFuzzer's entry point: one input, any bytes. Whatever they hold, the call must return
/// (an error is a fine answer); a crash, a hang or a leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    check(FuzzInput.bytes(data, size))
    return 0
}

func check(_ bytes: [UInt8]) {
    // Decoding, validation, then what `siamfc model` computes from a valid graph.
    if let model = try? ONNXModel(bytes: bytes, path: "input") {
        _ = model.operatorHistogram
        _ = model.parameterCount
    }
}

#if !FUZZING
/// Built without libFuzzer (no `-DFUZZING`): replays the files given as arguments.
@main
enum Replay {
    static func main() { FuzzInput.replayArguments(check) }
}
#endif
