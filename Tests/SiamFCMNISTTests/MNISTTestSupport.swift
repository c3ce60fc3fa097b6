import Foundation
@testable import SiamFCMNIST
@_exported import SiamFCTestSupport

/// gzip through the system's gzip, so the test does not check our reader with our writer.
func gzipped(_ bytes: [UInt8], in directory: String) throws -> [UInt8] {
    let path = directory + "/blob-\(UUID().uuidString)"
    try writeFile(path, bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-f", path]
    try process.run()
    process.waitUntilExit()
    return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}

/// The shared MNIST set, loaded once for all tests.
enum SharedMNIST {
    static let dataset: Result<MNISTDataset, Error> = Result {
        try MNISTDataset.load(directory: try SharedData.path("mnist"))
    }
}
