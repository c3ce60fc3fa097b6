import Foundation
import Testing
@testable import SiamFCEngine
@_exported import SiamFCTestSupport
@_exported import SiamFCImageIO

/// Tests draw their random numbers from a seeded generator so that they repeat exactly.
typealias SeededGenerator = SplitMix64
