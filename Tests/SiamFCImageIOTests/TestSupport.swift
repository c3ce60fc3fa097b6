import Foundation
import Testing
@testable import SiamFCImageIO

/// A fresh temporary folder per call, removed by the caller with `cleanUp`.
func makeTemporaryDirectory(_ label: String = "siamfc-tests") -> String {
    let path = NSTemporaryDirectory() + "/\(label)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func cleanUp(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, Array(text.utf8))
}

/// A smooth colour gradient with some structure, which JPEG reproduces closely.
func gradientImage(width: Int, height: Int) -> RGBImage {
    var image = RGBImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = (UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)),
                           UInt8((x + y) * 127 / max(width + height - 2, 1)))
        }
    }
    return image
}

func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .infinity }
    var total = 0
    for i in a.indices { total += abs(Int(a[i]) - Int(b[i])) }
    return Double(total) / Double(a.count)
}

/// `../shared` (or `$SIAMFC_SHARED`), resolved against the package root.
enum SharedData {
    static var root: String {
        let configured = ProcessInfo.processInfo.environment["SIAMFC_SHARED"] ?? "../shared"
        if configured.hasPrefix("/") { return configured }
        return packageRoot + "/" + configured
    }

    static var packageRoot: String {
        // Tests/<target>/<file>.swift → package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root + "/README.md") }

    /// Tests that need the data run when it is there, and also when `CI` is set, where missing
    /// data must fail the run instead of skipping silently.
    static var shouldRun: Bool { isPresent || ProcessInfo.processInfo.environment["CI"] != nil }

    static func path(_ relative: String) throws -> String {
        guard isPresent else {
            throw ImageIOError(path: root, reason: .notFound,
                               message: "shared data missing (set SIAMFC_SHARED to the shared/ folder)")
        }
        return root + "/" + relative
    }
}
