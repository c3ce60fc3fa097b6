import SiamFCImageIO
import SiamFCSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The frames of a video file as a ``FrameSource``, decoded one frame ahead on a thread of its
/// own (as ``FrameReader`` does for image files), so that decoding overlaps with tracking; with
/// `readAhead: false` each frame is decoded on the caller's thread, so that it can be timed.
///
/// Frames are numbered from the video's first; a run that starts later (``Start``) decodes the
/// frames before it without converting them, so that numbers are counted, never estimated from
/// times. A frame that cannot be decoded throws ``UnreadableFrame`` in its turn.
public final class VideoFrameReader: FrameSource {
    /// Where reading starts.
    public enum Start: Sendable, Equatable {
        /// The frame with this index (0-based).
        case frame(Int)
        /// The first frame whose presentation time is at or after this many seconds (to the millisecond).
        case time(Double)
    }

    public let path: String
    public let info: VideoInfo
    private let pipeline: Pipeline
    private var thread: pthread_t?

    public init(path: String, start: Start = .frame(0), maxPixels: Int = ImageDecoder().maxPixels, threads: Int = 0,
                readAhead: Bool = true) throws {
        let decoder = try VideoDecoder(path: path, maxPixels: maxPixels, threads: threads)
        self.path = path
        info = decoder.info
        pipeline = Pipeline(decoder: decoder, start: start)
        if readAhead { thread = pipeline.startThread() }
    }

    deinit {
        pipeline.stop()
        if let thread { pthread_join(thread, nil) }
    }

    /// Unknown until the video is decoded: containers' counts are not always right.
    public var frameCount: Int? { nil }

    public func next() throws -> Frame? {
        try (thread == nil ? pipeline.produce() : pipeline.take()).get()
    }

    /// The decoder and the one frame decoded ahead, shared with the decoding thread.
    private final class Pipeline: @unchecked Sendable {
        private let decoder: VideoDecoder
        private let name: String
        private var start: Start?
        private let lock = Lock()
        private var slot: Result<Frame?, Error>?
        private var stopped = false
        private var ended = false

        init(decoder: VideoDecoder, start: Start) {
            self.decoder = decoder
            name = decoder.path
            self.start = start
        }

        /// Decodes the next frame to hand over (on the decoding thread, or the caller's).
        func produce() -> Result<Frame?, Error> {
            do {
                while true {
                    switch try decoder.next() {
                    case .end:
                        return .success(nil)
                    case let .unreadable(index, time, reason):
                        if before(index: index, time: time) { continue }
                        start = nil
                        return .failure(UnreadableFrame(index: index, name: name, time: time, reason: reason))
                    case let .frame(index, time, warning):
                        if before(index: index, time: time) { continue }
                        start = nil
                        do {
                            return .success(Frame(index: index, name: name, image: try decoder.image(), time: time, warning: warning))
                        } catch let error as ImageIOError {
                            return .failure(UnreadableFrame(index: index, name: name, time: time, reason: error.message))
                        }
                    }
                }
            } catch {
                return .failure(error)
            }
        }

        /// Whether a frame comes before the start (and is dropped).
        private func before(index: Int, time: Double?) -> Bool {
            switch start {
            case nil: return false
            case .frame(let first): return index < first
            // A frame without a time cannot be placed: it is kept once the start is reached only.
            case .time(let seconds): return (time.map { ($0 * 1000).rounded() < (seconds * 1000).rounded() }) ?? true
            }
        }

        /// The decoding thread's loop: fill the slot whenever it is empty, until the end or a stop.
        func run() {
            while true {
                let go = lock.wait(until: { stopped || (slot == nil && !ended) }) { !stopped }
                guard go else { return }
                let item = produce()
                lock.withLockBroadcasting {
                    slot = item
                    switch item {
                    case .success(nil): ended = true
                    case .failure(let error) where !(error is UnreadableFrame): ended = true
                    default: break
                    }
                }
            }
        }

        /// The next item, waiting for the decoding thread; after the end, the end again.
        func take() -> Result<Frame?, Error> {
            let item = lock.wait(until: { slot != nil || stopped }) { () -> Result<Frame?, Error> in
                guard let item = slot else { return .success(nil) }
                // The end (or an error that ends the video) stays in the slot for later calls.
                if !ended { slot = nil }
                return item
            }
            // The slot is free: wake the decoding thread to fill it.
            lock.withLockBroadcasting {}
            return item
        }

        func stop() {
            lock.withLockBroadcasting { stopped = true }
        }

        func startThread() -> pthread_t? {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let pipeline = Unmanaged<Pipeline>.fromOpaque(raw).takeRetainedValue()
                pipeline.run()
                return nil
            }, context)
            guard status == 0 else {
                // No thread to be had: decode on the caller's thread instead.
                Unmanaged<Pipeline>.fromOpaque(context).release()
                return nil
            }
            return thread
        }
    }
}
