#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for reading at explicit offsets (pread), so a reader validates sizes
/// against `size` before it allocates anything.
final class ReadableFile {
    let path: String
    let size: Int
    private let fd: Int32

    init(path: String) throws {
        // O_NONBLOCK: opening a FIFO (or a terminal) without it would block until a writer
        // appears; such files are refused below, and for regular files the flag has no effect.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw AclaError.io("cannot open '\(AclaError.excerpt(path, limit: 1000))': \(errnoText())") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errnoText()
            close(fd)
            throw AclaError.io("cannot stat '\(path)': \(e)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw AclaError.io("'\(path)' is not a regular file")
        }
        self.path = path
        self.fd = fd
        self.size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Exactly `count` bytes at `offset`; the range is checked against `size` before allocating.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        try checkRange(offset: offset, count: count)
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(offset: offset, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Fills `buffer` with the bytes at `offset` (lets a reader load typed arrays without a copy).
    func read(offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let count = buffer.count
        try checkRange(offset: offset, count: count)
        var done = 0
        while done < count {
            let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw AclaError.io("cannot read '\(path)': \(errnoText())")
            }
            guard n > 0 else { throw AclaError.format("'\(path)' ended early (file changed while reading?)") }
            done += n
        }
    }

    private func checkRange(offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw AclaError.format("'\(path)': read of \(count) bytes at offset \(offset) is beyond the file's \(size) bytes")
        }
    }
}

/// Writes a file atomically: the bytes go to a temporary file in the same directory, which is
/// flushed to disk and then renamed over `path`, so a crash or a full disk never leaves a
/// half-written file (checkpoint, array, report) under the final name. The one writer of the
/// Swift code; the PNG/JPEG encoders in CImageIO have their own (they write through a FILE*).
public final class AtomicFileWriter {
    let path: String
    private let tempPath: String
    private var fd: Int32
    private var finished = false

    /// Replaces `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write(bytes)
        try file.commit()
    }

    init(path: String) throws {
        guard !path.isEmpty else { throw AclaError.invalidArgument("output path is empty") }
        // A replaced file keeps its permissions; a new one gets what open(0666) and the umask give.
        var st = stat()
        let existing = stat(path, &st) == 0
        if existing && (st.st_mode & S_IFMT) == S_IFDIR {
            throw AclaError.io("cannot write '\(path)': it is a directory")
        }
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var lastError = ""
        for attempt in 0..<100 {
            let candidate = "\(dir).\(base).tmp-\(getpid())-\(attempt)"
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 {
                if existing { _ = fchmod(fd, st.st_mode & 0o7777) }
                self.fd = fd
                self.tempPath = candidate
                return
            }
            lastError = errnoText()
            if errno != EEXIST { break }
        }
        throw AclaError.io("cannot create a temporary file next to '\(AclaError.excerpt(path, limit: 1000))': \(lastError)")
    }

    deinit {
        if !finished {
            close(fd)
            unlink(tempPath)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw AclaError.io("cannot write '\(path)': \(errnoText())")
            }
            done += n
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes float32 values in little-endian byte order (the order of .npy and safetensors data).
    func writeLittleEndian(_ values: TensorData) throws {
        #if _endian(little)
        try values.withUnsafeBufferPointer { try write(UnsafeRawBufferPointer($0)) }
        #else
        try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { try write($0) }
        #endif
    }

    /// Flushes, closes and renames the temporary file over the destination.
    func commit() throws {
        // EINVAL: the file system cannot sync (nothing to wait for), not a failed write.
        guard fsync(fd) == 0 || errno == EINVAL else { throw AclaError.io("cannot flush '\(path)': \(errnoText())") }
        let rc = close(fd)
        finished = true
        guard rc == 0 else {
            unlink(tempPath)
            throw AclaError.io("cannot close '\(path)': \(errnoText())")
        }
        guard rename(tempPath, path) == 0 else {
            let e = errnoText()
            unlink(tempPath)
            throw AclaError.io("cannot write '\(path)': \(e)")
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
