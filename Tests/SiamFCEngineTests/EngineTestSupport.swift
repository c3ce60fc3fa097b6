import Foundation
import Testing
@testable import SiamFCEngine
@_exported import SiamFCTestSupport
import SiamFCSupport

/// Tests draw their random numbers from a seeded generator so that they repeat exactly.
typealias SeededGenerator = SplitMix64
