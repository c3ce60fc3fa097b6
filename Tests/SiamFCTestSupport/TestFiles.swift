import Foundation

/// The shared data set (`../shared`, or `$SIAMFC_SHARED`), resolved against the package root.
public enum SharedData {
    public static var root: String {
        let configured = ProcessInfo.processInfo.environment["SIAMFC_SHARED"] ?? "../shared"
        if configured.hasPrefix("/") { return configured }
        return packageRoot + "/" + configured
    }

    public static var packageRoot: String {
        // Tests/SiamFCTestSupport/SharedData.swift → package root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    public static var isPresent: Bool { FileManager.default.fileExists(atPath: root + "/README.md") }

    /// Tests that need the data run when it is there, and also when `CI` is set, where missing
    /// data must fail the run instead of skipping silently.
    public static var shouldRun: Bool { isPresent || ProcessInfo.processInfo.environment["CI"] != nil }

    /// The absolute path of `relative` inside the shared data; throws when the data is missing.
    public static func path(_ relative: String) throws -> String {
        guard isPresent else { throw Missing(root: root) }
        return root + "/" + relative
    }

    public struct Missing: Error, CustomStringConvertible {
        public let root: String
        public var description: String { "\(root): shared data missing (set SIAMFC_SHARED to the shared/ folder)" }
    }
}

/// A fresh temporary folder per call; remove it with ``removeTemporary(_:)``.
public func makeTemporaryDirectory(_ label: String = "siamfc-tests") -> String {
    let path = NSTemporaryDirectory() + "/\(label)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

public func removeTemporary(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

public func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

public func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, Array(text.utf8))
}

/// The mean absolute difference of two byte buffers (infinity when their sizes differ).
public func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    guard a.count == b.count, !a.isEmpty else { return .infinity }
    var total = 0
    for i in a.indices { total += abs(Int(a[i]) - Int(b[i])) }
    return Double(total) / Double(a.count)
}
