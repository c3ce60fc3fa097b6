#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes a list of frames in order, one frame ahead on a thread of its own, so that decoding
/// frame `i + 1` overlaps with whatever the caller does with frame `i` (tracking, usually).
///
/// The decoding thread is a plain thread, not a task on the shared Dispatch pool: the engine's
/// parallel loops use that pool, and a decode occupying one of its two workers would serialise
/// them.
public final class FrameReader {
    public let files: [String]
    private let decoder: ImageDecoder
    private var index = 0
    private var pending: Pending?

    /// The result of one background decode, handed over once.
    private final class Pending: @unchecked Sendable {
        var mutex = pthread_mutex_t()
        var condition = pthread_cond_t()
        var finished = false
        var result: Result<RGBImage, Error> = .failure(ImageIOError(path: "", reason: .readFailed, message: "not decoded"))
        let file: String
        let decoder: ImageDecoder

        init(file: String, decoder: ImageDecoder) {
            self.file = file
            self.decoder = decoder
            pthread_mutex_init(&mutex, nil)
            pthread_cond_init(&condition, nil)
        }

        deinit {
            pthread_cond_destroy(&condition)
            pthread_mutex_destroy(&mutex)
        }

        func run() {
            let outcome = Result { try decoder.decode(file: file) }
            pthread_mutex_lock(&mutex)
            result = outcome
            finished = true
            pthread_cond_signal(&condition)
            pthread_mutex_unlock(&mutex)
        }

        func wait() -> Result<RGBImage, Error> {
            pthread_mutex_lock(&mutex)
            while !finished { pthread_cond_wait(&condition, &mutex) }
            let outcome = result
            pthread_mutex_unlock(&mutex)
            return outcome
        }
    }

    public init(files: [String], decoder: ImageDecoder = ImageDecoder()) {
        self.files = files
        self.decoder = decoder
    }

    /// The next frame with its file, or nil after the last one. A frame that fails to decode
    /// throws its error (naming the file) when its turn comes.
    public func next() throws -> (file: String, image: RGBImage)? {
        guard index < files.count else { return nil }
        let current = pending ?? start(index)
        index += 1
        pending = index < files.count ? start(index) : nil
        return (files[index - 1], try current.wait().get())
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
