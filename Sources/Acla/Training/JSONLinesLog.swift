#if canImport(Glibc)
import Glibc
#endif

/// An append-only JSON-lines file (one object per line), flushed per line so a killed run keeps
/// what it logged.
final class JSONLinesLog {
    private let fd: Int32
    let path: String

    init(path: String) throws {
        guard !path.isEmpty else { throw AclaError.invalidArgument("log path is empty") }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw AclaError.io("cannot open log '\(path)': \(String(cString: strerror(errno)))") }
        self.path = path
    }

    deinit { close(fd) }

    func append(_ object: JSONObject) throws {
        let bytes = Array((JSONWriter.string(.object(object)) + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw AclaError.io("cannot write log '\(path)': \(String(cString: strerror(errno)))") }
            done += n
        }
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
