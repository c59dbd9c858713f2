import CImageIO
#if canImport(Glibc)
import Glibc
#endif

/// File-system helpers of the imaging code on POSIX calls: the core library avoids
/// Foundation's file APIs, which libacla.so (Swift runtime linked statically) cannot carry.
public enum PlainFiles {
    public static func read(_ path: String, maxBytes: Int) throws -> [UInt8] {
        var message = aci_message()
        var size: Int64 = 0
        guard aci_file_size(path, &size, &message) == 0 else { throw ImageFile.error(3, message) }
        guard size <= Int64(maxBytes) else {
            throw AclaError.outOfMemory("\(path) is \(size) bytes, over the limit of \(maxBytes) bytes")
        }
        let count = Int(size)
        var code: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            code = aci_read_file(path, buffer.baseAddress, count, &message)
            initialized = count
        }
        guard code == 0 else { throw ImageFile.error(code, message) }
        return bytes
    }

    /// Replaces `path` atomically (a temporary file renamed over it).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        var message = aci_message()
        let code = bytes.withUnsafeBufferPointer { aci_write_file(path, $0.baseAddress, $0.count, &message) }
        guard code == 0 else { throw ImageFile.error(code, message) }
    }

    /// nil when nothing exists at `path`.
    public static func isDirectory(_ path: String) -> Bool? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a folder (no "." or ".."), sorted.
    public static func list(_ folder: String) throws -> [String] {
        guard let dir = opendir(folder) else {
            throw AclaError.io("cannot list \(folder): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `folder/name`.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The last path component.
    public static func fileName(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
        return String(p)
    }

    /// The file name without its last extension.
    public static func stem(_ path: String) -> String {
        let name = fileName(path)
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { return String(name[..<dot]) }
        return name
    }
}
