import Acla
#if canImport(Glibc)
import Glibc
#endif

/// Output paths are checked before the work, so a long run does not end in "cannot write".
enum OutputPath {
    static func isImage(_ path: String) -> Bool { ImageFile.isImageName(Paths.fileName(path)) }

    /// Throws unless a file can be created at `path`: its folder exists and is writable, and
    /// `path` itself is not a folder.
    static func requireWritable(_ path: String) throws {
        guard !path.isEmpty else { throw AclaError.invalidArgument("the output path is empty") }
        if Paths.isDirectory(path) == true { throw AclaError.invalidArgument("output '\(path)' is a folder, not a file") }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        guard let isFolder = Paths.isDirectory(folder) else {
            throw AclaError.io("cannot write '\(path)': the folder '\(folder)' does not exist")
        }
        guard isFolder else { throw AclaError.io("cannot write '\(path)': '\(folder)' is not a folder") }
        guard access(folder, W_OK) == 0 else {
            throw AclaError.io("cannot write '\(path)': the folder '\(folder)' is not writable (\(String(cString: strerror(errno))))")
        }
    }
}
