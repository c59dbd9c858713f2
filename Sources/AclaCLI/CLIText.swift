#if canImport(Glibc)
import Glibc
#endif

/// The few text and file helpers the CLI needs, on libc. The tool does not import Foundation:
/// with the static Swift runtime, Foundation brings ICU and its 34 MB of locale data into the
/// binary (77 MB before; Tests/python/test_cli.py checks that it stays out).
enum CLIText {
    /// printf-style formatting of numbers ("%.4f", "%3d"), through vsnprintf.
    static func format(_ pattern: String, _ args: CVarArg...) -> String {
        withVaList(args) { list in
            var buffer = [CChar](repeating: 0, count: 512)
            let n = buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, pattern, list) }
            guard n >= 0 else { return "" }
            return String(decoding: buffer.prefix(min(Int(n), buffer.count - 1)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    static func writeStandardError(_ text: String) {
        fputs(text, stderr)
        fflush(stderr)
    }

    /// `text` padded with spaces on the right to `width` characters.
    static func padRight(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `text` padded with spaces on the left to `width` characters.
    static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return text.drop(while: isSpace).reversed().drop(while: isSpace).reversed().reduce(into: Substring()) { $0.append($1) }
    }

    static var errnoText: String { String(cString: strerror(errno)) }

    /// The canonical absolute path (symlinks resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// mkdir -p.
    static func createFolders(_ path: String) throws -> Bool {
        var st = stat()
        if stat(path, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty, try !createFolders(parent) { return false }
        return mkdir(path, 0o777) == 0 || errno == EEXIST
    }

    /// The whole file (at most `limit` bytes), or nil with errno set.
    static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count <= limit {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 { return nil }
            if n == 0 { return out }
            out += chunk.prefix(n)
        }
        errno = EFBIG
        return nil
    }
}
