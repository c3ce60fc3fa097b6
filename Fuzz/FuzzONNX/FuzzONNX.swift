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
    // Decoding, validation, what `siamfc model` computes from a valid graph, then the inference
    // plan (every operator's attributes decoded and checked) and a run on small zero inputs.
    guard let model = try? ONNXModel(bytes: bytes, path: "input") else { return }
    _ = model.operatorHistogram
    _ = model.parameterCount
    guard let runner = try? ONNXGraphRunner(model: model), let inputs = try? runner.zeroInputs(side: 5),
          inputs.values.reduce(0, { $0 + $1.count }) <= 1 << 14 else { return }
    _ = try? runner.run(inputs: inputs)
}

#if !FUZZING
/// Built without libFuzzer (no `-DFUZZING`): replays the files given as arguments.
@main
enum Replay {
    static func main() { FuzzInput.replayArguments(check) }
}
#endif
