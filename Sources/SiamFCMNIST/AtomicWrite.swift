import SiamFCImageIO

/// The I/O layer's atomic write, with its error mapped to this module's.
enum SiamFCImageIOBridge {
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as ImageIOError {
            throw MNISTError(path: path, message: error.message)
        }
    }
}
