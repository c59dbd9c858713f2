/// Writes float32 tensors as a safetensors file, atomically (temporary file, then rename).
/// The header lists tensors in the given order with contiguous offsets and is padded with
/// spaces to a multiple of 8 bytes, as the reference implementation does, so the data buffer is
/// aligned for memory-mapping readers.
public enum SafetensorsWriter {
    public static func write(path: String, tensors: [(name: String, tensor: Tensor)],
                             metadata: [String: String] = [:]) throws {
        let header = try headerBytes(tensors: tensors, metadata: metadata)
        let file = try AtomicFileWriter(path: path)
        var prefix = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { prefix[i] = UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(i))) }
        try file.write(prefix)
        try file.write(header)
        for (_, t) in tensors { try file.writeLittleEndian(t.data) }
        try file.commit()
    }

    static func headerBytes(tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws -> [UInt8] {
        var root = JSONObject()
        if !metadata.isEmpty {
            var m = JSONObject()
            for k in metadata.keys.sorted() { m[k] = .string(metadata[k]!) }
            root["__metadata__"] = .object(m)
        }
        var offset = 0
        for (name, t) in tensors {
            guard name != "__metadata__", root[name] == nil else {
                throw AclaError.invalidArgument("tensor name \"\(name)\" is reserved or used twice")
            }
            let (bytes, o1) = t.count.multipliedReportingOverflow(by: 4)
            let (end, o2) = offset.addingReportingOverflow(bytes)
            guard !o1, !o2 else { throw AclaError.outOfMemory("tensors too large to write") }
            var e = JSONObject()
            e["dtype"] = .string("F32")
            e["shape"] = .array(t.shape.map { .integer($0) })
            e["data_offsets"] = .array([.integer(offset), .integer(end)])
            root[name] = .object(e)
            offset = end
        }
        var bytes = Array(JSONWriter.string(.object(root)).utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }
}
