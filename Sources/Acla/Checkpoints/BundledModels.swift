import AclaKernels
import Glibc

/// The trained default models that ship with acla (`models/` in the source tree, installed to
/// `$PREFIX/share/acla/models`): a catalog (`catalog.json`) and one weights-only checkpoint per
/// model. Found without a path: `$ACLA_MODELS_DIR`, else beside the binary that contains this
/// code (libacla.so or the `acla` tool): `<dir>/share/acla/models` (an install) or `<dir>/models`
/// (the source tree) for each of the binary's first four parent folders (an install's
/// `$PREFIX/lib`, the build tree's `build/lib` and `build/bin`, SwiftPM's `.build/<triple>/debug`).
public enum BundledModels {
    public struct Entry: Sendable {
        public let name: String
        public let file: String
        public let task: String
        public let scale: Int
        /// The whole catalog entry as JSON (training data, steps, scores) for `acla models`.
        public let json: JSONValue
    }

    public static let catalogName = "catalog.json"

    /// The folders searched, in order (existing or not).
    public static var searchPath: [String] {
        var dirs: [String] = []
        if let env = getenv("ACLA_MODELS_DIR") { dirs.append(String(cString: env)) }
        if let image = imagePath() {
            var dir = parent(image)
            for _ in 0..<4 {
                dir = parent(dir)
                dirs.append(Paths.join(dir, "share/acla/models"))
                dirs.append(Paths.join(dir, "models"))
                if dir == "/" { break }
            }
        }
        return dirs
    }

    /// The first folder of `searchPath` holding a catalog.
    public static func directory() throws -> String {
        for dir in searchPath where Paths.isDirectory(Paths.join(dir, catalogName)) == false { return dir }
        throw AclaError.io("no bundled models found (looked for \(catalogName) in \(searchPath.joined(separator: ", "))); set ACLA_MODELS_DIR")
    }

    public static func catalog() throws -> (directory: String, entries: [Entry]) {
        let dir = try directory()
        let path = Paths.join(dir, catalogName)
        let file = try ReadableFile(path: path)
        guard file.size <= 1 << 20 else { throw AclaError.format("\(path) is \(file.size) bytes, over the catalog limit of 1 MiB") }
        let text = String(decoding: try file.read(offset: 0, count: file.size), as: UTF8.self)
        guard case .object(let root) = try JSONParser.parse(text), case .array(let items)? = root["models"] else {
            throw AclaError.format("\(path): expected {\"models\": [...]}")
        }
        let entries = try items.map { item -> Entry in
            guard case .object(let o) = item, case .string(let name)? = o["name"], case .string(let file)? = o["file"],
                  case .string(let task)? = o["task"] else {
                throw AclaError.format("\(path): every model needs \"name\", \"file\" and \"task\"")
            }
            var scale = 1
            if case .integer(let s)? = o["scale"] { scale = s }
            return Entry(name: name, file: file, task: task, scale: scale, json: item)
        }
        return (dir, entries)
    }

    /// The path of a bundled model's checkpoint; the error lists the names there are.
    public static func path(of name: String) throws -> String {
        let (dir, entries) = try catalog()
        guard let entry = entries.first(where: { $0.name == name }) else {
            let known = entries.map(\.name).joined(separator: ", ")
            throw AclaError.invalidArgument("no bundled model \"\(AclaError.excerpt(name))\" (bundled: \(known.isEmpty ? "none" : known))")
        }
        guard entry.file.firstIndex(of: "/") == nil else { throw AclaError.format("catalog entry \(name): file must be a plain name, got \(entry.file)") }
        return Paths.join(dir, entry.file)
    }

    /// The bundled model for a task (and scale, for sr): "sr-x2", "denoise", "jpeg", "demosaic".
    public static func defaultName(task: String, scale: Int) -> String {
        task == "sr" ? "sr-x\(scale)" : task
    }

    public static func load(_ name: String) throws -> Network {
        try Network.load(path: path(of: name))
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file of the loaded object that holds this function (dladdr), made absolute.
    private static func imagePath() -> String? {
        let here: @convention(c) () -> Void = bundledModelsAnchor
        var name = [CChar](repeating: 0, count: 4096)
        guard ak_image_path(unsafeBitCast(here, to: UnsafeRawPointer.self), &name, name.count) == 0 else { return nil }
        var path = String(cString: name)
        if !path.hasPrefix("/") {
            // the main executable is reported by the name it was started with
            var buf = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buf, buf.count - 1)
            guard n > 0 else { return nil }
            path = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }
}

/// A C-convention function whose address tells `dladdr` which binary holds the core.
private func bundledModelsAnchor() {}
