import SiamFCEngine
import SiamFCONNX
import SiamFCSupport
import SiamFCTracker

/// A second feature hint, from inside the teacher's backbone: a value of its ONNX graph (say the
/// stride-8 features) is exposed as an extra output, and the output of the student's last block
/// with the same spatial side is mapped onto it by a training-only 1x1 convolution. The final
/// features' hint tells the student what to compute; this one also tells its early layers how.
struct IntermediateHint {
    /// The teacher's backbone with `value` as a second output.
    let backbone: ONNXGraphRunner
    let input: String
    let output: String
    let value: String
    /// The student block whose output is hinted.
    let block: Int
    let adapter: Conv2d

    /// Errors name the teacher's file: an unknown value, or one whose side no student block has.
    init(value: String, teacherBackbone path: String, student: LightTrackConfiguration, using generator: inout SplitMix64) throws {
        let model = try ONNXModel(contentsOf: path)
        backbone = try ONNXGraphRunner(model: try model.exposing([value]))
        guard backbone.inputs.count == 1, let output = model.outputs.first?.name else {
            throw TrainingError("\(path): a NanoTrack backbone has one input and one output")
        }
        input = backbone.inputs[0].name
        self.output = output
        self.value = value
        let side = NanoTrackConfiguration.searchSize
        guard let hidden = try backbone.run(inputs: [input: Tensor(zeros: [1, 3, side, side])])[value], hidden.rank == 4 else {
            throw TrainingError("\(path): the value '\(value)' is not a 4-D feature map")
        }
        let sides = student.blockSides(side)
        guard hidden.shape[2] == hidden.shape[3], let block = sides.lastIndex(of: hidden.shape[2]) else {
            throw TrainingError("\(path): the value '\(value)' is \(hidden.shape[2])x\(hidden.shape[3]) for a \(side)x\(side) crop; the student's blocks give sides \(sides)")
        }
        self.block = block
        adapter = Conv2d(student.blocks[block].out, hidden.shape[1], kernel: 1, using: &generator)
    }

    /// The teacher's backbone features of a search crop and its hidden value.
    func teacherOutputs(_ crop: Tensor) throws -> (features: Tensor, hidden: Tensor) {
        let outputs = try backbone.run(inputs: [input: crop])
        guard let features = outputs[output], let hidden = outputs[value] else {
            throw TrainingError("the teacher's backbone gave no '\(output)' or '\(value)'")
        }
        return (features, hidden)
    }
}
