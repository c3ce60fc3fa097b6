import SiamFCSupport

/// The support layer's atomic write, with its error mapped to this module's.
enum AtomicWrite {
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let error as FileError {
            throw MNISTError(path: path, message: error.message)
        }
    }
}
