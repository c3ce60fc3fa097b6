#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// A set of 28x28 digits with their labels.
public struct DigitSet: Sendable {
    public let images: [UInt8]
    public let labels: [UInt8]
    public let rows: Int
    public let columns: Int

    public var count: Int { labels.count }
    public var pixelsPerImage: Int { rows * columns }

    public init(images: [UInt8], labels: [UInt8], rows: Int, columns: Int) {
        self.images = images
        self.labels = labels
        self.rows = rows
        self.columns = columns
    }

    /// The digits at `indices`, as a new set.
    public func subset(_ indices: [Int]) -> DigitSet {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(indices.count * pixelsPerImage)
        for i in indices { pixels += images[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)] }
        return DigitSet(images: pixels, labels: indices.map { labels[$0] }, rows: rows, columns: columns)
    }
}

/// The MNIST training (60,000) and test (10,000) digits.
public struct MNISTDataset: Sendable {
    public let train: DigitSet
    public let test: DigitSet
    public let directory: String

    static let files = (
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// The folders searched, in order: `explicit` (`--data`), `$SIAMFC_MNIST`, `./data/mnist`.
    public static func searchPath(explicit: String?) -> [String] {
        var folders: [String] = []
        if let explicit { folders.append(explicit) }
        if let env = getenv("SIAMFC_MNIST") { folders.append(String(cString: env)) }
        folders.append("data/mnist")
        return folders
    }

    /// Loads from the first folder of ``searchPath(explicit:)`` that holds the four files (each
    /// gzip-compressed `NAME.gz` or raw `NAME`). When an explicit folder is given, only it is used.
    public static func locate(explicit: String?) throws -> MNISTDataset {
        let folders = explicit.map { [$0] } ?? searchPath(explicit: nil)
        for folder in folders where FileSystem.isDirectory(folder) && find(files.trainImages, in: folder) != nil {
            return try load(directory: folder)
        }
        let names = [files.trainImages, files.trainLabels, files.testImages, files.testLabels].map { $0 + ".gz" }
        throw MNISTError(
            path: "", message: "MNIST not found in \(folders.joined(separator: ", ")): expected \(names.joined(separator: ", ")) (or the same without .gz); pass --data DIR or set SIAMFC_MNIST")
    }

    public static func load(directory: String) throws -> MNISTDataset {
        func file(_ name: String) throws -> String {
            guard let path = find(name, in: directory) else {
                throw MNISTError(path: directory, message: "missing \(name).gz (or \(name))")
            }
            return path
        }
        let train = try digitSet(images: try file(files.trainImages), labels: try file(files.trainLabels))
        let test = try digitSet(images: try file(files.testImages), labels: try file(files.testLabels))
        return MNISTDataset(train: train, test: test, directory: directory)
    }

    static func find(_ name: String, in directory: String) -> String? {
        let base = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        return [base + ".gz", base].first { FileSystem.isFile($0) }
    }

    static func digitSet(images imagePath: String, labels labelPath: String) throws -> DigitSet {
        let images = try IDXFile.read(path: imagePath, rank: 3)
        let labels = try IDXFile.read(path: labelPath, rank: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw MNISTError(path: labelPath, message: "\(labels.dimensions[0]) labels for \(images.dimensions[0]) images in \(imagePath)")
        }
        guard images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw MNISTError(path: imagePath, message: "images of size \(images.dimensions[1])x\(images.dimensions[2])")
        }
        if let bad = labels.data.firstIndex(where: { $0 > 9 }) {
            throw MNISTError(path: labelPath, message: "label \(labels.data[bad]) at index \(bad) is not a digit")
        }
        return DigitSet(images: images.data, labels: labels.data, rows: images.dimensions[1], columns: images.dimensions[2])
    }
}
