#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// Small numeric helpers shared by the paths.
enum Motion {
    static let twoPi = 2 * Double.pi
    /// Pixels kept between a sprite and the frame border.
    static let margin = 2.0

    /// Clamp that tolerates an empty range (a frame smaller than the sprite) by centring.
    static func clamp(_ v: Double, _ low: Double, _ high: Double) -> Double {
        low > high ? (low + high) / 2 : min(max(v, low), high)
    }
}

/// Where everything moves in a synthetic clip: the target's and distractor's poses and the
/// pillar's place, frame by frame. Built from the seed alone, without textures, so ground truth
/// is cheap to compute.
struct SceneMotion: Sendable, Equatable {
    let width: Int
    let height: Int
    let frameCount: Int
    let target: TargetPath
    let occluder: OccluderPlacement
    let distractor: DistractorPath

    /// `configuration` must already be sanitised (positive sizes and count).
    init(configuration: SyntheticSequence.Configuration) {
        width = configuration.width
        height = configuration.height
        frameCount = configuration.frameCount
        // Sprites are 40 × 30 pixels at scale 1 in a 320 × 240 frame and keep that proportion.
        let unit = min(Double(width) / 320, Double(height) / 240)
        var targetRNG = SplitMix64(seed: configuration.seed, stream: SplitMix64.Stream.target)
        var occluderRNG = SplitMix64(seed: configuration.seed, stream: SplitMix64.Stream.occluder)
        var distractorRNG = SplitMix64(seed: configuration.seed, stream: SplitMix64.Stream.distractor)
        target = TargetPath(width: width, height: height, unit: unit, rng: &targetRNG)
        occluder = OccluderPlacement(target: target, frameCount: frameCount, rng: &occluderRNG)
        distractor = DistractorPath(target: target, rng: &distractorRNG)
    }

    /// `0` on the first frame, `1` on the last; indices outside the clip are clamped.
    func time(_ index: Int) -> Double {
        let last = frameCount - 1
        return last > 0 ? Double(min(max(index, 0), last)) / Double(last) : 0
    }

    func targetPose(_ index: Int) -> SpritePose { target.pose(at: time(index)) }
    func distractorPose(_ index: Int) -> SpritePose { distractor.pose(at: time(index)) }

    /// The fraction of the target's area behind the pillar, from a 24 × 18 grid over the shape
    /// (points outside the rounded corners do not count).
    func occlusion(_ index: Int) -> Double {
        let pose = targetPose(index)
        let c = cos(pose.angle)
        let s = sin(pose.angle)
        let columns = 24
        let rows = 18
        var covered = 0.0
        var inside = 0
        for j in 0..<rows {
            let v = ((Double(j) + 0.5) / Double(rows) * 2 - 1) * SpriteShape.halfHeight
            for i in 0..<columns {
                let u = ((Double(i) + 0.5) / Double(columns) * 2 - 1) * SpriteShape.halfWidth
                guard SpriteShape.signedDistance(u: u, v: v) <= 0 else { continue }
                inside += 1
                covered += occluder.alpha(atX: pose.centerX + pose.scale * (u * c - v * s))
            }
        }
        return inside > 0 ? covered / Double(inside) : 0
    }
}

/// The target's path: one sweep across the frame with a vertical wave, a breathing scale,
/// a gentle sway and a brightness drift. `t` runs from 0 (first frame) to 1 (last frame).
struct TargetPath: Sendable, Equatable {
    /// `exp(±0.34)` spans scales 0.71 ... 1.40.
    static let logScaleAmplitude = 0.34
    static let turnAmplitudes = (0.18, 0.06)
    static let brightnessAmplitude = 0.28

    let width: Double
    let height: Double
    let unit: Double
    /// +1 sweeps left to right.
    let direction: Double
    let amplitudeX: Double
    let wiggleX: Double
    let wiggleFrequency: Double
    let wigglePhase: Double
    let centerY: Double
    let amplitudeY: Double
    let frequencyY: Double
    let phaseY: Double
    let scaleFrequency: Double
    let scalePhase: Double
    let turnFrequencies: [Double]
    let turnPhases: [Double]
    let brightnessFrequency: Double
    let brightnessPhase: Double

    init(width: Int, height: Int, unit: Double, rng: inout SplitMix64) {
        self.width = Double(width)
        self.height = Double(height)
        self.unit = unit
        let largest = SpriteShape.halfExtents(
            scale: unit * exp(Self.logScaleAmplitude), angle: SpriteShape.maxAngle)
        direction = rng.sign()
        wiggleX = rng.uniform(0.012, 0.02) * self.width
        wiggleFrequency = rng.uniform(1.5, 2.5)
        wigglePhase = rng.uniform(0, Motion.twoPi)
        // Amplitudes are capped so that even the largest pose fits; the clamp in `pose` is then
        // only a safety net and never bends the path.
        amplitudeX = max(
            0,
            min(rng.uniform(0.30, 0.34) * self.width,
                (self.width - 1) / 2 - largest.x - wiggleX - Motion.margin))
        let offsetY = rng.uniform(-0.04, 0.04) * self.height
        centerY = (self.height - 1) / 2 + offsetY
        amplitudeY = max(
            0,
            min(rng.uniform(0.16, 0.22) * self.height,
                (self.height - 1) / 2 - abs(offsetY) - largest.y - Motion.margin))
        frequencyY = rng.uniform(0.6, 1.1)
        phaseY = rng.uniform(0, Motion.twoPi)
        // At least a full period, so both the smallest and the largest size appear.
        scaleFrequency = rng.uniform(1.0, 1.3)
        // Near zero so the first frame, where a tracker is initialised, shows a nominal size.
        scalePhase = rng.uniform(-0.3, 0.3)
        turnFrequencies = [rng.uniform(0.7, 1.2), rng.uniform(2.0, 3.0)]
        turnPhases = [rng.uniform(0, Motion.twoPi), rng.uniform(0, Motion.twoPi)]
        brightnessFrequency = rng.uniform(0.8, 1.4)
        brightnessPhase = rng.uniform(0, Motion.twoPi)
    }

    func pose(at t: Double) -> SpritePose {
        let x = (width - 1) / 2 - direction * amplitudeX * cos(Double.pi * t)
            + wiggleX * sin(Motion.twoPi * wiggleFrequency * t + wigglePhase)
        let y = centerY + amplitudeY * sin(Motion.twoPi * frequencyY * t + phaseY)
        let scale = unit * exp(Self.logScaleAmplitude * sin(Motion.twoPi * scaleFrequency * t + scalePhase))
        let angle = Self.turnAmplitudes.0 * sin(Motion.twoPi * turnFrequencies[0] * t + turnPhases[0])
            + Self.turnAmplitudes.1 * sin(Motion.twoPi * turnFrequencies[1] * t + turnPhases[1])
        return SpritePose(centerX: x, centerY: y, scale: scale, angle: angle)
            .keptInside(width: width, height: height, margin: Motion.margin)
    }

    /// Multiplier on the target's colours, 0.72 ... 1.28.
    func brightness(at t: Double) -> Double {
        1 + Self.brightnessAmplitude * sin(Motion.twoPi * brightnessFrequency * t + brightnessPhase)
    }
}

/// A static full-height pillar placed on the target's path, wide enough to hide the target
/// completely for at least five frames.
struct OccluderPlacement: Sendable, Equatable {
    let centerX: Double
    let halfWidth: Double
    /// The frame on which the pillar is centred over the target.
    let frame: Int

    init(target: TargetPath, frameCount: Int, rng: inout SplitMix64) {
        let last = max(frameCount - 1, 1)
        // Mid-sweep: far from the first frame, which must show the target unoccluded.
        frame = min(Int((rng.uniform(0.44, 0.54) * Double(last)).rounded()), frameCount - 1)
        let center = target.pose(at: Double(frame) / Double(last)).centerX
        var half = 0.0
        for k in max(frame - 2, 0)...min(frame + 2, max(frameCount - 1, 0)) {
            let pose = target.pose(at: Double(k) / Double(last))
            half = max(half, abs(pose.centerX - center) + pose.halfExtents.x)
        }
        centerX = center
        // One pixel covers the target's soft edge and the pillar's own; the rest is slack.
        halfWidth = half + 1.5
    }

    /// Opacity over a pixel column centred at `x`, with a one-pixel soft edge.
    @inline(__always)
    func alpha(atX x: Double) -> Double {
        min(max(min(x - (centerX - halfWidth), centerX + halfWidth - x) + 0.5, 0), 1)
    }
}
