#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CImageIO

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

/// Writes a file atomically: the bytes go to an unnamed temporary file in the same directory
/// (CImageIO's atomic_file.c, shared with the PNG/JPEG encoders), which is flushed to disk, named
/// and renamed over `path`, so a crash, a kill or a full disk never leaves a half-written file
/// (checkpoint, array, report) under the final name, nor a temporary file beside it.
public final class AtomicFileWriter {
    let path: String
    private var file = aci_atomic_file()
    private var isOpen = false

    /// Replaces `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write(bytes)
        try file.commit()
    }

    init(path: String) throws {
        guard !path.isEmpty else { throw AclaError.invalidArgument("output path is empty") }
        self.path = path
        var message = aci_message()
        let code = aci_atomic_open(&file, path, &message)
        guard code == 0 else { throw AtomicFileWriter.error(code, message) }
        isOpen = true
    }

    deinit {
        if isOpen { aci_atomic_abort(&file) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard isOpen, let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(file.fd, base + done, bytes.count - done)
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

    /// Flushes, names and renames the temporary file over the destination.
    func commit() throws {
        guard isOpen else { throw AclaError.internal("'\(path)' committed twice") }
        isOpen = false
        var message = aci_message()
        let code = aci_atomic_commit(&file, &message)
        guard code == 0 else { throw AtomicFileWriter.error(code, message) }
    }

    private static func error(_ code: Int32, _ message: aci_message) -> AclaError {
        let text = withUnsafeBytes(of: message.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return AclaError(AclaStatus(rawValue: code) ?? .io, text)
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
