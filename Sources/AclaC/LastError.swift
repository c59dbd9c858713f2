import Glibc

/// The thread-local sentence behind `acla_last_error_message`: a 2 KB buffer per thread (made on
/// the thread's first failure, freed when the thread ends), so concurrent callers never see each
/// other's messages and the returned pointer stays valid until the next call on that thread.
enum LastError {
    static let capacity = 2048
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { free($0) }
        return k
    }()
    nonisolated(unsafe) private static var empty: CChar = 0

    private static func buffer(create: Bool) -> UnsafeMutablePointer<CChar>? {
        if let p = pthread_getspecific(key) { return p.assumingMemoryBound(to: CChar.self) }
        guard create, let raw = calloc(capacity, 1) else { return nil }
        pthread_setspecific(key, raw)
        return raw.assumingMemoryBound(to: CChar.self)
    }

    static func set(_ message: String) {
        guard let buf = buffer(create: !message.isEmpty) else { return }
        var bytes = Array(message.utf8)
        if bytes.count >= capacity {
            // cut before a UTF-8 sequence that would not fit whole, so the text stays valid UTF-8
            var len = capacity - 1
            while len > 0, bytes[len] & 0xC0 == 0x80 { len -= 1 }
            bytes.removeSubrange(len...)
        }
        bytes.withUnsafeBufferPointer { src in
            src.withMemoryRebound(to: CChar.self) { if let b = $0.baseAddress { buf.update(from: b, count: bytes.count) } }
        }
        buf[bytes.count] = 0
    }

    static var pointer: UnsafePointer<CChar> {
        if let buf = buffer(create: false) { return UnsafePointer(buf) }
        return withUnsafePointer(to: &empty) { $0 }
    }
}
