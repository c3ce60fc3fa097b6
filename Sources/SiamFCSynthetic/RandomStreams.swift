import SiamFCSupport

extension SplitMix64 {
    /// Independent random streams for the parts of a synthetic scene: each part draws from its
    /// own, so changing how one part uses random numbers leaves the others as they were.
    enum Stream {
        static let target: UInt64 = 1
        static let occluder: UInt64 = 2
        static let distractor: UInt64 = 3
        static let scenery: UInt64 = 4
    }
}
