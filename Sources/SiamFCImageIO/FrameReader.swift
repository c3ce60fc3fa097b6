import SiamFCSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frames of a list of image files, in order, decoded one frame ahead on a thread of its
/// own, so that decoding frame `i + 1` overlaps with whatever the caller does with frame `i`
/// (tracking, usually). With `readAhead: false` each frame is decoded when asked for, on the
/// caller's thread, so that its decoding can be timed.
///
/// The decoding thread is a plain thread, not a task on the shared Dispatch pool: the engine's
/// parallel loops use that pool, and a decode occupying one of its two workers would serialise
/// them.
public final class FrameReader: FrameSource {
    public let files: [String]
    private let decoder: ImageDecoder
    private let readAhead: Bool
    private var index = 0
    private var pending: Pending?

    /// The result of one background decode, handed over once.
    private final class Pending: @unchecked Sendable {
        private let lock = Lock()
        private var result: Result<RGBImage, Error>?
        let file: String
        let decoder: ImageDecoder

        init(file: String, decoder: ImageDecoder) {
            self.file = file
            self.decoder = decoder
        }

        func run() {
            let outcome = Result { try decoder.decode(file: file) }
            lock.withLockBroadcasting { result = outcome }
        }

        func wait() -> Result<RGBImage, Error> {
            lock.wait(until: { result != nil }) {
                guard let result else { preconditionFailure("FrameReader: woken without a result") }
                return result
            }
        }
    }

    public init(files: [String], decoder: ImageDecoder = ImageDecoder(), readAhead: Bool = true) {
        self.files = files
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
        guard readAhead else {
            return Frame(index: i, name: files[i], image: try decoder.decode(file: files[i]))
        }
        let current = pending ?? start(i)
        pending = index < files.count ? start(index) : nil
        return Frame(index: i, name: files[i], image: try current.wait().get())
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
