import SiamFCTracker
import SiamFCEngine
import SiamFCImageIO

/// Knowledge distillation from a trained SiamFC (the teacher) run on the same crops:
///
/// - **response**: the balanced logistic loss of the student's response maps against the
///   teacher's probabilities `sigmoid(teacher response)` as soft targets, which passes on the
///   teacher's ranking of distractors that hard labels call plain negatives;
/// - **features**: the mean squared error between the teacher's exemplar and search features and
///   the student's after a learned 1x1 convolution (a FitNets hint; the convolution maps the
///   student's channels to the teacher's and is used only in training), divided by the mean
///   square of the teacher's features so that its weight does not depend on their scale.
final class Distillation {
    let teacher: SiamFCModel
    let adapter: Conv2d?
    let featureWeight: Float
    let responseWeight: Float

    init(teacherPath: String, studentWidth: Int, featureWeight: Float, responseWeight: Float,
         using generator: inout SplitMix64) throws {
        teacher = try SiamFCModel(contentsOf: teacherPath)
        let teacherWidth = teacher.backbone.widths.last ?? 0
        adapter = featureWeight > 0 ? Conv2d(studentWidth, teacherWidth, kernel: 1, using: &generator) : nil
        self.featureWeight = featureWeight
        self.responseWeight = responseWeight
    }

    func loss(exemplars: Tensor, searches: Tensor, studentExemplarFeatures: Variable, studentSearchFeatures: Variable,
              studentResponses: Variable, weights: Tensor) throws -> Variable {
        let teacherExemplar = try teacher.backbone(exemplars)
        let teacherSearch = try teacher.backbone(searches)
        guard teacherExemplar.shape.dropFirst(2) == studentExemplarFeatures.shape.dropFirst(2),
              teacherSearch.shape.dropFirst(2) == studentSearchFeatures.shape.dropFirst(2) else {
            throw TrainingError("\(teacher.source): the teacher's feature maps \(teacherSearch.shape) do not line up with the student's \(studentSearchFeatures.shape)")
        }
        var total: Variable?
        if responseWeight > 0 {
            let teacherResponses = try Tensor.crossCorrelation(search: teacherSearch, exemplar: teacherExemplar,
                                                               scale: TrackerTrainingConfiguration.tracking.responseScale)
            let soft = teacherResponses.map { 1 / (1 + expf(-$0)) }
            total = try binaryCrossEntropyWithLogits(studentResponses, targets: soft, weights: weights, reduction: .sum)
                * responseWeight
        }
        if let adapter, featureWeight > 0 {
            func hint(_ student: Variable, _ target: Tensor) throws -> Variable {
                let meanSquare = max(target.withUnsafeBufferPointer { p in p.reduce(0) { $0 + Double($1 * $1) } } / Double(max(target.count, 1)), 1e-12)
                return try meanSquaredError(try adapter(student), target: target) * Float(1 / meanSquare)
            }
            let hints = try hint(studentExemplarFeatures, teacherExemplar) + hint(studentSearchFeatures, teacherSearch)
            let weighted = hints * (featureWeight / 2)
            total = try total.map { try $0 + weighted } ?? weighted
        }
        return total ?? Variable(Tensor(0))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport
