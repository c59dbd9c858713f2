/// NumPy .npy files, tensor-level: reads C-order little-endian float32, float64 or uint8
/// arrays of any rank (as float32), writes float32. Every header field is validated (see
/// `NpyHeader`) and the sizes are checked against the file and the caller's byte limit before
/// anything large is allocated. Malformed files are ACLA_ERR_FORMAT; valid .npy files acla
/// cannot use (other dtypes, Fortran order) are ACLA_ERR_UNSUPPORTED.
public enum NpyFile {
    /// A file-size limit for arrays of up to `elements` values of any supported dtype.
    public static func byteLimit(elements: Int) -> Int {
        let (data, o1) = elements.multipliedReportingOverflow(by: 8)
        let (total, o2) = data.addingReportingOverflow(12 + NpyHeader.maxLength)
        return o1 || o2 ? Int.max : total
    }

    /// The array as a tensor of the file's shape. Files over `maxBytes` are refused before they
    /// are read (ACLA_ERR_OUT_OF_MEMORY); `checkShape` may refuse a shape before the data is read.
    public static func read(_ path: String, maxBytes: Int,
                            checkShape: ([Int]) throws -> Void = { _ in }) throws -> Tensor {
        let file = try ReadableFile(path: path)
        guard file.size <= maxBytes else {
            throw AclaError.outOfMemory("'\(path)' is \(file.size) bytes, over the limit of \(maxBytes) bytes")
        }
        func bad(_ why: String) -> AclaError { AclaError.format("'\(path)' is not a valid .npy file: \(why)") }
        let prefix = try file.read(offset: 0, count: min(file.size, 12))
        guard prefix.count >= 10, Array(prefix[0..<6]) == NpyHeader.magic else { throw bad("it lacks the \\x93NUMPY magic") }
        let headerStart: Int
        var headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
        switch prefix[6] {
        case 1:
            headerStart = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw bad("truncated in the header length") }
            headerLength |= Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw bad("format version \(prefix[6]) is not 1, 2 or 3")
        }
        guard headerLength <= NpyHeader.maxLength else {
            throw bad("header length \(headerLength) is over the limit of \(NpyHeader.maxLength) bytes")
        }
        guard headerLength <= file.size - headerStart else {
            throw bad("header length \(headerLength) is beyond the end of the file (\(file.size) bytes)")
        }
        let header = try NpyHeader.parse(try file.read(offset: headerStart, count: headerLength), bad: bad)
        guard let dtype = NpyHeader.DType(descr: header.descr) else {
            throw AclaError.unsupported("'\(path)': .npy dtype '\(header.descr)' is not supported (float32, float64 or uint8)")
        }
        guard !header.fortranOrder else { throw AclaError.unsupported("'\(path)': Fortran-order .npy arrays are not supported") }
        let shape = header.shape
        let count = try CheckedSize.product(shape, what: "'\(path)' .npy array")
        try checkShape(shape)
        let dataStart = headerStart + headerLength
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow, byteCount == file.size - dataStart else {
            throw bad("it holds \(file.size - dataStart) data bytes, shape \(shape) of \(dtype.descr) needs \(count) x \(dtype.itemSize)")
        }
        let values: [Float]
        switch dtype {
        case .float32:
            let raw = try load(Float.self, count: count, from: file, at: dataStart)
            #if _endian(little)
            values = raw
            #else
            values = raw.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
        case .float64:
            values = try load(Double.self, count: count, from: file, at: dataStart).map {
                Float(Double(bitPattern: UInt64(littleEndian: $0.bitPattern)))
            }
        case .uint8:
            values = try file.read(offset: dataStart, count: count).map { Float($0) }
        }
        return try Tensor(shape: shape, data: values)
    }

    /// Replaces `path` atomically with a float32 array of the tensor's shape.
    public static func write(_ tensor: Tensor, to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write(NpyHeader(dtype: .float32, shape: tensor.shape).encoded())
        try file.writeLittleEndian(tensor.data)
        try file.commit()
    }

    /// `count` raw elements straight into their array (no intermediate byte copy).
    private static func load<T>(_: T.Type, count: Int, from file: ReadableFile, at offset: Int) throws -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            try file.read(offset: offset, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
