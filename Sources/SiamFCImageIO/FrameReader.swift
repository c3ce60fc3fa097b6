import SiamFCSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frames of a list of image files, in order, decoded one frame ahead on a thread of its
/// own, so that decoding frame `i + 1` overlaps with whatever the caller does with frame `i`
/// (tracking, usually). With `readAhead: false` each frame is decoded when asked for, on the
/// caller's thread, so that its decoding can be timed. A file that cannot be decoded throws
/// ``UnreadableFrame`` in its turn, and reading goes on with the next file.
///
/// The decoding thread is a plain thread, not a chunk on the worker team that ``Parallel`` and
/// the engine use: a decode occupying one of its workers would serialise their loops.
public final class FrameReader: FrameSource {
    public let files: [String]
    /// The index of the first file (when a run starts part-way into a folder).
    public let firstIndex: Int
    private let decoder: ImageDecoder
    private let readAhead: Bool
    private var index = 0
    private var pending: Pending?

    /// The result of one background decode, handed over once.
    private final class Pending: @unchecked Sendable {
        private let lock = Lock()
        private var result: Result<DecodedImage, Error>?
        let file: String
        let decoder: ImageDecoder

        init(file: String, decoder: ImageDecoder) {
            self.file = file
            self.decoder = decoder
        }

        func run() {
            let outcome = Result { try decoder.decodeDetailed(file: file) }
            lock.withLockBroadcasting { result = outcome }
        }

        func wait() -> Result<DecodedImage, Error> {
            lock.wait(until: { result != nil }) {
                guard let result else { preconditionFailure("FrameReader: woken without a result") }
                return result
            }
        }
    }

    public init(files: [String], firstIndex: Int = 0, decoder: ImageDecoder = ImageDecoder(), readAhead: Bool = true) {
        precondition(firstIndex >= 0, "FrameReader: negative first index")
        self.files = files
        self.firstIndex = firstIndex
        self.decoder = decoder
        self.readAhead = readAhead
    }

    /// The frames of a sequence folder or a folder of images (see ``FrameSequence/listFrames(_:)``).
    public convenience init(folder: String, decoder: ImageDecoder = ImageDecoder(), readAhead: Bool = true) throws {
        self.init(files: try FrameSequence.listFrames(folder).frames, decoder: decoder, readAhead: readAhead)
    }

    public var frameCount: Int? { files.count }

    public func next() throws -> Frame? {
        guard index < files.count else { return nil }
        let i = index
        index += 1
        let outcome: Result<DecodedImage, Error>
        if readAhead {
            let current = pending ?? start(i)
            pending = index < files.count ? start(index) : nil
            outcome = current.wait()
        } else {
            outcome = Result { try decoder.decodeDetailed(file: files[i]) }
        }
        switch outcome {
        case .success(let decoded):
            let warning = decoded.warningCount > 0
                ? "\(decoded.warningCount) decoder warning(s), last: \(decoded.lastWarning ?? "")" : nil
            return Frame(index: firstIndex + i, name: files[i], image: decoded.image, warning: warning)
        case .failure(let error as ImageIOError):
            throw UnreadableFrame(index: firstIndex + i, name: files[i], reason: error.message)
        case .failure(let error):
            throw error
        }
    }

    private func start(_ i: Int) -> Pending {
        let job = Pending(file: files[i], decoder: decoder)
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let job = Unmanaged<Pending>.fromOpaque(raw).takeRetainedValue()
            job.run()
            return nil
        }, context)
        if status == 0 {
            pthread_detach(thread)
        } else {
            // No thread to be had: decode here instead.
            Unmanaged<Pending>.fromOpaque(context).release()
            job.run()
        }
        return job
    }
}
