#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport
import SiamFCImageIO

/// A deterministic synthetic tracking clip with ground truth, for demos and tests.
///
/// A textured target sweeps across a textured background while it changes size, turns and
/// brightens or darkens; it passes behind a pillar (partial, then full occlusion) and later
/// meets a look-alike distractor. Everything is derived from `configuration.seed`: the same seed
/// gives bit-identical frames and boxes.
///
/// All pictures and paths are computed in `init`; ``frame(_:)`` only composites them, so frames
/// are independent of each other and can be rendered in any order, concurrently.
public struct SyntheticSequence: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var width: Int = 320
        public var height: Int = 240
        public var frameCount: Int = 120
        public var seed: UInt64 = 2026

        public init(width: Int = 320, height: Int = 240, frameCount: Int = 120, seed: UInt64 = 2026) {
            self.width = width
            self.height = height
            self.frameCount = frameCount
            self.seed = seed
        }
    }

    /// The configuration in effect: sizes below 16 × 16 and counts below 1 are raised to those.
    public let configuration: Configuration
    let motion: SceneMotion
    let scenery: SyntheticScenery

    public init(configuration: Configuration = .init()) {
        let config = configuration.sanitized
        self.configuration = config
        motion = SceneMotion(configuration: config)
        var sceneryRNG = SplitMix64(seed: config.seed, stream: SplitMix64.Stream.scenery)
        scenery = SyntheticScenery(
            width: config.width, height: config.height, occluder: motion.occluder, rng: &sceneryRNG)
    }

    /// Renders frame `index` (0-based; clamped to the clip) with the target's ground-truth box.
    ///
    /// Frames do not depend on each other: any frame can be rendered alone and in parallel.
    public func frame(_ index: Int) -> (image: RGBImage, box: BoundingBox) {
        let t = motion.time(index)
        var pixels = scenery.background
        pixels.withUnsafeMutableBufferPointer { buffer in
            draw(
                scenery.distractor, pose: motion.distractor.pose(at: t),
                brightness: motion.distractor.brightness(at: t), into: buffer)
            draw(
                scenery.target, pose: motion.target.pose(at: t),
                brightness: motion.target.brightness(at: t), into: buffer)
            drawPillar(into: buffer)
        }
        let image = RGBImage(uncheckedWidth: configuration.width, height: configuration.height, pixels: pixels)
        return (image, box(index))
    }

    /// The target's ground-truth box in frame `index`, in OTB's 1-based convention, without
    /// rendering. It is the axis-aligned box of the turned, scaled shape and still covers the
    /// target while the pillar hides it, as OTB annotates. Values are rounded to 0.01 pixel.
    public func box(_ index: Int) -> BoundingBox {
        motion.targetPose(index).box
    }

    /// The distractor's box in frame `index`, same convention as ``box(_:)``.
    public func distractorBox(_ index: Int) -> BoundingBox {
        motion.distractorPose(index).box
    }

    /// The fraction of the target's area hidden by the pillar in frame `index`, 0 ... 1.
    public func occlusion(_ index: Int) -> Double {
        motion.occlusion(index)
    }

    /// The scene without its moving objects: background and pillar. Pixels of a frame outside
    /// the target's and the distractor's boxes equal this image.
    public func staticScene() -> RGBImage {
        var pixels = scenery.background
        pixels.withUnsafeMutableBufferPointer { drawPillar(into: $0) }
        return RGBImage(uncheckedWidth: configuration.width, height: configuration.height, pixels: pixels)
    }

    // MARK: Compositing

    /// Draws a sprite by mapping every pixel near it back into the shape's own coordinates:
    /// coverage comes from the signed distance to the outline (a one-pixel soft edge), colour from
    /// a bilinear texture sample. Inverse mapping leaves no holes at any scale or angle.
    private func draw(
        _ texture: RGBTexture, pose: SpritePose, brightness: Double,
        into buffer: UnsafeMutableBufferPointer<UInt8>
    ) {
        let width = configuration.width
        let height = configuration.height
        let extents = pose.halfExtents
        let x0 = max(Int((pose.centerX - extents.x - 1).rounded(.down)), 0)
        let x1 = min(Int((pose.centerX + extents.x + 1).rounded(.up)), width - 1)
        let y0 = max(Int((pose.centerY - extents.y - 1).rounded(.down)), 0)
        let y1 = min(Int((pose.centerY + extents.y + 1).rounded(.up)), height - 1)
        guard x0 <= x1, y0 <= y1, pose.scale > 0 else { return }

        let inverse = 1 / pose.scale
        let c = cos(pose.angle) * inverse
        let s = sin(pose.angle) * inverse
        let texelsPerUnit = SyntheticScenery.texelsPerUnit
        let gain = Float(brightness)
        texture.texels.withUnsafeBufferPointer { texels in
            for y in y0...y1 {
                let dy = Double(y) - pose.centerY
                for x in x0...x1 {
                    let dx = Double(x) - pose.centerX
                    let u = dx * c + dy * s
                    let v = dy * c - dx * s
                    let distance = SpriteShape.signedDistance(u: u, v: v) * pose.scale
                    let alpha = Float(min(max(0.5 - distance, 0), 1))
                    if alpha <= 0 { continue }
                    let sample = RGBTexture.sample(
                        texels, width: texture.width, height: texture.height,
                        x: Float((u + SpriteShape.halfWidth) * texelsPerUnit - 0.5),
                        y: Float((v + SpriteShape.halfHeight) * texelsPerUnit - 0.5))
                    let k = (y * width + x) * 3
                    blend(&buffer[k], min(sample.r * gain, 255), alpha)
                    blend(&buffer[k + 1], min(sample.g * gain, 255), alpha)
                    blend(&buffer[k + 2], min(sample.b * gain, 255), alpha)
                }
            }
        }
    }

    private func drawPillar(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let first = scenery.firstColumn
        let last = scenery.lastColumn
        guard first <= last else { return }
        let width = configuration.width
        let count = last - first + 1
        scenery.pillarColors.withUnsafeBufferPointer { colors in
            scenery.pillarAlpha.withUnsafeBufferPointer { alphas in
                for y in 0..<configuration.height {
                    for j in 0..<count where alphas[j] > 0 {
                        let source = (y * count + j) * 3
                        let k = (y * width + first + j) * 3
                        for channel in 0..<3 {
                            blend(&buffer[k + channel], Float(colors[source + channel]), alphas[j])
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func blend(_ destination: inout UInt8, _ value: Float, _ alpha: Float) {
        let d = Float(destination)
        destination = UInt8(min(max(d + (value - d) * alpha, 0), 255).rounded())
    }
}

extension SyntheticSequence.Configuration {
    /// Sizes raised to at least 16 × 16 and the count to at least 1, so that every later step
    /// has something to draw.
    var sanitized: Self {
        Self(width: max(width, 16), height: max(height, 16), frameCount: max(frameCount, 1), seed: seed)
    }
}
