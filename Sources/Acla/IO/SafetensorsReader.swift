/// Reads a safetensors file. Opening validates the whole header against the file size (the
/// header length is checked before the header is allocated); tensor data is read on demand, so
/// only tensors a caller asks for are ever allocated.
public final class SafetensorsReader {
    public let path: String
    public let header: SafetensorsHeader
    private let file: ReadableFile
    private let dataStart: Int

    public init(path: String) throws {
        let file = try ReadableFile(path: path)
        func bad(_ why: String) -> AclaError { AclaError.format("safetensors file '\(path)': \(why)") }
        guard file.size >= 8 else {
            if let other = SafetensorsSniff.otherFormat(try file.read(offset: 0, count: file.size)) {
                throw bad("not a safetensors file (looks like \(other))")
            }
            throw bad("file is \(file.size) bytes, too short for the 8-byte header length")
        }
        let lengthBytes = try file.read(offset: 0, count: 8)
        var length: UInt64 = 0
        for (i, b) in lengthBytes.enumerated() { length |= UInt64(b) << (8 * UInt64(i)) }
        // a header length that cannot be right: say what the file looks like, when that is known
        if length > UInt64(SafetensorsHeader.maxHeaderBytes) || length > UInt64(file.size - 8),
           let other = SafetensorsSniff.otherFormat(try file.read(offset: 0, count: min(file.size, 16))) {
            throw bad("not a safetensors file (looks like \(other))")
        }
        guard length <= UInt64(SafetensorsHeader.maxHeaderBytes) else {
            throw bad("header length \(length) exceeds the limit of \(SafetensorsHeader.maxHeaderBytes) bytes")
        }
        guard length <= UInt64(file.size - 8) else {
            throw bad("header length \(length) is beyond the end of the file (\(file.size) bytes)")
        }
        let headerLength = Int(length)
        let headerBytes = try file.read(offset: 8, count: headerLength)
        do {
            header = try SafetensorsHeader(bytes: headerBytes, bufferSize: file.size - 8 - headerLength)
        } catch let e as AclaError {
            throw bad(e.message)
        }
        self.path = path
        self.file = file
        self.dataStart = 8 + headerLength
    }

    public var metadata: [String: String] { header.metadata }
    public var entries: [SafetensorsEntry] { header.entries }

    public func entry(named name: String) -> SafetensorsEntry? { header.entry(named: name) }

    /// The tensor as float32 (F16, BF16 and F64 converted); other dtypes are unsupported.
    public func tensor(_ entry: SafetensorsEntry) throws -> Tensor {
        guard entry.dtype.convertsToFloat else {
            throw AclaError.unsupported("safetensors file '\(path)': tensor \"\(entry.name)\" has dtype \(entry.dtype.rawValue); only F32, F16, BF16 and F64 load as float")
        }
        let bytes = try file.read(offset: dataStart + entry.begin, count: entry.end - entry.begin)
        guard let values = entry.dtype.floats(from: bytes) else { throw AclaError.internal("dtype conversion failed") }
        return try Tensor(shape: entry.shape, data: values)
    }

    public func tensor(named name: String) throws -> Tensor {
        guard let e = header.entry(named: name) else {
            throw AclaError.format("safetensors file '\(path)' has no tensor \"\(name)\"")
        }
        return try tensor(e)
    }
}
