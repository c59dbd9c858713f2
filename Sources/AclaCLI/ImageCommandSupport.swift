import Acla
import ArgumentParser

/// Shared pieces of `acla degrade` and `acla eval`.
enum ImageCommandSupport {
    static func note(_ text: String) {
        CLIText.writeStandardError("acla: note: \(text)\n")
    }

    static func applyPixelLimit(_ maxPixels: Int?) throws {
        if let maxPixels { try ImageLimits.setMaxPixels(maxPixels) }
    }

    /// Reads an image and prints what decoding dropped.
    static func read(_ path: String) throws -> Image8 {
        let (image, info) = try ImageFile.read(path)
        for message in info.notes.messages { note("\(Paths.fileName(path)): \(message)") }
        return image
    }

    static func isDirectory(_ path: String) -> Bool { Paths.isDirectory(path) == true }

    /// The same folder, by resolved path.
    static func sameFolder(_ a: String, _ b: String) -> Bool {
        guard let a = CLIText.realPath(a), let b = CLIText.realPath(b) else { return false }
        return a == b
    }

    static func createFolder(_ path: String) throws {
        guard try CLIText.createFolders(path) else {
            throw AclaError.io("cannot create folder \(path): \(CLIText.errnoText)")
        }
    }

    /// "38.2742", or "inf" for identical images.
    static func format(_ value: Double, decimals: Int = 4) -> String {
        value.isFinite ? CLIText.format("%.\(decimals)f", value) : (value > 0 ? "inf" : "-inf")
    }

    /// A JSON number (JSON has no infinity: identical images give null).
    static func json(_ value: Double) -> String { JSONWriter.string(.number(value)) }

    static func json(_ text: String) -> String { JSONWriter.quoted(text) }
}

enum TaskOption: String, ExpressibleByArgument, CaseIterable {
    case sr, denoise, demosaic, jpeg
}

enum BoundaryOption: String, ExpressibleByArgument, CaseIterable {
    case symmetric, replicate
    var rule: ResizeBoundary { self == .symmetric ? .symmetric : .replicate }
}

enum ConventionOption: String, ExpressibleByArgument, CaseIterable {
    case float, uint8
}
