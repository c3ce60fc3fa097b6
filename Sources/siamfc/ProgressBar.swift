#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SiamFCSupport

/// Progress on stderr: a bar redrawn in place on a terminal, plain lines at most every few
/// seconds otherwise (logs and CI), nothing with `--quiet`. Safe to update from several threads.
final class ProgressBar: @unchecked Sendable {
    private let lock = Lock()
    private let quiet: Bool
    private let interactive: Bool
    private var lastDraw: Double = 0
    private var lastWidth = 0

    init(quiet: Bool) {
        self.quiet = quiet
        interactive = isatty(STDERR_FILENO) == 1
    }

    /// `fraction` of the work is done; `text` says what is happening.
    func update(fraction: Double, _ text: String, force: Bool = false) {
        guard !quiet else { return }
        lock.withLock { draw(fraction: fraction, text, force: force) }
    }

    private func draw(fraction: Double, _ text: String, force: Bool) {
        let now = monotonicSeconds()
        let interval = interactive ? 0.1 : 5
        guard force || now - lastDraw >= interval else { return }
        lastDraw = now
        if interactive {
            let width = 24
            let filled = Int((max(0, min(1, fraction)) * Double(width)).rounded(.down))
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            let line = "[\(bar)] \(text)"
            let padding = String(repeating: " ", count: max(0, lastWidth - line.count))
            lastWidth = line.count
            write("\r" + line + padding)
        } else {
            write(text + "\n")
        }
    }

    /// Ends the bar's line so that later output starts on a fresh one.
    func finish() {
        lock.withLock {
            guard !quiet, interactive, lastWidth > 0 else { return }
            write("\n")
            lastWidth = 0
        }
    }

    private func write(_ text: String) { writeStandardError(text) }
}

/// Writes straight to file descriptor 2 (unbuffered, and free of the C `stderr` global).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { raw in
            #if canImport(Glibc)
            Glibc.write(STDERR_FILENO, raw.baseAddress, raw.count)
            #else
            Darwin.write(STDERR_FILENO, raw.baseAddress, raw.count)
            #endif
        }
        if n <= 0 { return }
        bytes = bytes.dropFirst(n)
    }
}

/// `1:05:09`, `4:09`: hours only when needed.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--:--" }
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s / 60) % 60, s % 60)
    let mm = m < 10 ? "0\(m)" : "\(m)", ss = r < 10 ? "0\(r)" : "\(r)"
    return h > 0 ? "\(h):\(mm):\(ss)" : "\(m):\(ss)"
}
