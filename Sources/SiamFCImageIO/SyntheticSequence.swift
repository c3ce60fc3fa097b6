// PLACEHOLDER until the renderer lands (overwritten).
public struct SyntheticSequence: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var width: Int, height: Int, frameCount: Int, seed: UInt64
        public init(width: Int = 320, height: Int = 240, frameCount: Int = 120, seed: UInt64 = 2026) {
            self.width = width; self.height = height; self.frameCount = frameCount; self.seed = seed
        }
    }
    public let configuration: Configuration
    public init(configuration: Configuration = .init()) { self.configuration = configuration }
    public func frame(_ index: Int) -> (image: RGBImage, box: BoundingBox) {
        (RGBImage(width: configuration.width, height: configuration.height), BoundingBox(x: 1, y: 1, width: 10, height: 10))
    }
}
