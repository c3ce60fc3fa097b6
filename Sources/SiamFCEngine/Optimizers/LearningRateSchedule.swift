#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a function of the step (or epoch) number, counted from 0.
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Float
}

/// Geometric decay from `initial` to `final` over `steps`: SiamFC goes from 1e-2 to 1e-5 over
/// 50 epochs, a factor of `(final/initial)^(1/steps)` per step. Past `steps` it stays at `final`.
public struct ExponentialDecay: LearningRateSchedule {
    public let initial, final: Float
    public let steps: Int

    public init(initial: Float, final: Float, steps: Int) {
        self.initial = initial
        self.final = final
        self.steps = max(steps, 1)
    }

    public var gamma: Float { pow(final / initial, 1 / Float(steps)) }

    public func learningRate(at step: Int) -> Float {
        initial * pow(final / initial, Float(min(max(step, 0), steps)) / Float(steps))
    }
}

/// Multiplies the rate by `gamma` every `stepSize` steps.
public struct StepDecay: LearningRateSchedule {
    public let initial, gamma: Float
    public let stepSize: Int

    public init(initial: Float, stepSize: Int, gamma: Float = 0.1) {
        self.initial = initial
        self.stepSize = max(stepSize, 1)
        self.gamma = gamma
    }

    public func learningRate(at step: Int) -> Float {
        initial * pow(gamma, Float(max(step, 0) / stepSize))
    }
}

/// Half a cosine from `initial` down to `minimum` over `steps`, then `minimum`.
public struct CosineDecay: LearningRateSchedule {
    public let initial, minimum: Float
    public let steps: Int

    public init(initial: Float, minimum: Float = 0, steps: Int) {
        self.initial = initial
        self.minimum = minimum
        self.steps = max(steps, 1)
    }

    public func learningRate(at step: Int) -> Float {
        let t = Float(min(max(step, 0), steps)) / Float(steps)
        return minimum + (initial - minimum) * (1 + cos(Float.pi * t)) / 2
    }
}
