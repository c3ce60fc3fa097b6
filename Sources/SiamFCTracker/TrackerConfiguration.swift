#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SiamFC's tracking hyper-parameters, with the values of siamfc-pytorch (SiamFC-3s) as
/// defaults.
public struct TrackerConfiguration: Sendable, Equatable, Codable {
    /// Side of the exemplar crop fed to the backbone.
    public var exemplarSize = 127
    /// Side of each search crop.
    public var instanceSize = 255
    /// Context added around the target: `c = context · (w + h)`, exemplar side `√((w+c)(h+c))`.
    public var context: Double = 0.5
    /// Search scales: `scaleStep^k` for `k = −(n−1)/2 … (n−1)/2`.
    public var scaleCount = 3
    public var scaleStep: Double = 1.0375
    /// Responses of the scales other than the current one are multiplied by this.
    public var scalePenalty: Float = 0.9745
    /// How far the size moves towards the best scale in one frame.
    public var scaleLearningRate: Double = 0.59
    /// Weight of the cosine (Hann) window blended into the normalised response.
    public var windowInfluence: Float = 0.176
    /// The response map (17x17 for a 255 search crop) is upsampled by this factor, bicubic.
    public var responseUpsampling = 16
    /// Stride of the backbone: one response cell is this many search-crop pixels.
    public var totalStride = 8
    /// Multiplier of the cross-correlation (siamfc-pytorch's head).
    public var responseScale: Float = 0.001
    /// The target's size stays within these multiples of its initial size, as in the original
    /// SiamFC, so that a run of bad frames cannot shrink the box to nothing or grow it without
    /// bound.
    public var minimumScale: Double = 0.2
    public var maximumScale: Double = 5

    public init() {}

    /// SiamFC-3s: three scales (the default).
    public static let threeScale = TrackerConfiguration()

    /// SiamFC-5s: five finer scales.
    public static var fiveScale: TrackerConfiguration {
        var c = TrackerConfiguration()
        c.scaleCount = 5
        c.scaleStep = 1.0255
        c.scalePenalty = 0.962
        c.scaleLearningRate = 0.34
        c.windowInfluence = 0.168
        return c
    }

    /// The search scale factors, smallest first.
    public var scaleFactors: [Double] {
        let half = Double(scaleCount / 2)
        return (0..<scaleCount).map { pow(scaleStep, Double($0) - half) }
    }

    public func validate() throws {
        guard scaleCount >= 1, scaleCount % 2 == 1, scaleCount <= 15 else {
            throw TrackerError("the number of scales must be odd, 1 to 15 (got \(scaleCount))")
        }
        guard exemplarSize >= 16, instanceSize > exemplarSize, responseUpsampling >= 1, totalStride >= 1,
              scaleStep > 0, context >= 0, minimumScale > 0, maximumScale >= minimumScale
        else {
            throw TrackerError("tracker configuration out of range")
        }
    }
}
