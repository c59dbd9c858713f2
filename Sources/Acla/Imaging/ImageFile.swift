import CImageIO

/// Facts about a decoded file worth telling the user (the CLI prints them as notes).
public struct ImageNotes: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// An alpha channel (or tRNS transparency) was discarded.
    public static let alphaDropped = ImageNotes(rawValue: UInt32(ACI_NOTE_ALPHA_DROPPED))
    /// 16-bit samples were reduced to 8 bits as round(v / 257).
    public static let reducedFrom16Bit = ImageNotes(rawValue: UInt32(ACI_NOTE_16BIT_REDUCED))

    public var messages: [String] {
        var out: [String] = []
        if contains(.alphaDropped) { out.append("alpha channel dropped") }
        if contains(.reducedFrom16Bit) { out.append("16-bit samples reduced to 8 bits as round(v/257)") }
        return out
    }
}

public enum ImageFormat: Int32, Sendable {
    case png = 1
    case jpeg = 2
}

/// What a file's header says, after the library's conversions (channels are those of the
/// decoded image: 1 for gray and gray+alpha, 3 for RGB, RGBA and palette).
public struct ImageFileInfo: Sendable, Equatable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    public let channels: Int
    public let notes: ImageNotes

    public static func == (a: ImageFileInfo, b: ImageFileInfo) -> Bool {
        a.format == b.format && a.width == b.width && a.height == b.height && a.channels == b.channels
            && a.notes.rawValue == b.notes.rawValue
    }
}

/// PNG and JPEG files through the CImageIO target (libpng, libjpeg-turbo): the format is
/// recognised from the file's signature when reading and from the extension when writing.
public enum ImageFile {
    /// Reads only the header; refuses images over `maxPixels`.
    public static func info(_ path: String, maxPixels: Int = ImageLimits.maxPixels) throws -> ImageFileInfo {
        let decoder = try Decoder(path: path, maxPixels: maxPixels)
        defer { decoder.close() }
        return decoder.info
    }

    /// Decodes a PNG or JPEG file to 8 bits; the notes say what was dropped or reduced.
    public static func read(_ path: String, maxPixels: Int = ImageLimits.maxPixels) throws -> (image: Image8, info: ImageFileInfo) {
        let decoder = try Decoder(path: path, maxPixels: maxPixels)
        defer { decoder.close() }
        let info = decoder.info
        let count = try CheckedSize.product([info.height, info.width, info.channels], what: "image")
        var message = aci_message()
        var code: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            code = aci_decoder_read(decoder.handle, buffer.baseAddress, count, &message)
            // UInt8 needs no initialisation; on failure the array is discarded below.
            initialized = count
        }
        guard code == 0 else { throw error(code, message) }
        let image = Image8(validatedWidth: info.width, height: info.height, channels: info.channels, pixels: pixels)
        return (image, info)
    }

    /// Writes `image` as PNG (.png) or JPEG (.jpg, .jpeg; `quality` 1...100), replacing any
    /// existing file only once the new one is complete (a temporary file is renamed over it).
    public static func write(_ image: Image8, to path: String, quality: Int = 95) throws {
        guard image.width <= Int(Int32.max), image.height <= Int(Int32.max) else {
            throw AclaError.unsupported("a \(image.width) x \(image.height) image is too large for PNG or JPEG")
        }
        var message = aci_message()
        let code: Int32
        switch try format(forPath: path) {
        case .png:
            code = image.pixels.withUnsafeBufferPointer {
                aci_png_write(path, $0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels), &message)
            }
        case .jpeg:
            guard (1...100).contains(quality) else {
                throw AclaError.invalidArgument("JPEG quality must be 1...100, got \(quality)")
            }
            guard image.width <= 65500, image.height <= 65500 else {
                throw AclaError.unsupported("JPEG images are at most 65500 pixels on a side; \(image.width) x \(image.height) needs PNG")
            }
            code = image.pixels.withUnsafeBufferPointer {
                aci_jpeg_write(path, $0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels),
                               Int32(quality), &message)
            }
        }
        guard code == 0 else { throw error(code, message) }
    }

    /// The output format a path's extension asks for.
    public static func format(forPath path: String) throws -> ImageFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") { return .png }
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { return .jpeg }
        throw AclaError.unsupported("cannot tell the image format of \(path): use a .png, .jpg or .jpeg name")
    }

    /// Whether a file name looks like an image this library reads (by extension).
    public static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".png") || lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")
    }

    static func error(_ code: Int32, _ message: aci_message) -> AclaError {
        AclaError(AclaStatus(rawValue: code) ?? .internal, text(message))
    }

    static func text(_ message: aci_message) -> String {
        withUnsafeBytes(of: message.text) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// An open decoder that has read the header.
    final class Decoder {
        let handle: OpaquePointer
        let info: ImageFileInfo

        init(path: String, maxPixels: Int) throws {
            guard maxPixels >= 1 else { throw AclaError.invalidArgument("pixel limit must be at least 1, got \(maxPixels)") }
            guard !path.isEmpty else { throw AclaError.invalidArgument("image path is empty") }
            var message = aci_message()
            var raw = aci_image_info()
            var handle: OpaquePointer?
            let code = aci_decoder_open(path, Int64(maxPixels), &handle, &raw, &message)
            guard code == 0, let handle else { throw ImageFile.error(code == 0 ? 9 : code, message) }
            guard let format = ImageFormat(rawValue: raw.format) else {
                aci_decoder_close(handle)
                throw AclaError.internal("\(path): decoder reported unknown format \(raw.format)")
            }
            self.handle = handle
            self.info = ImageFileInfo(format: format, width: Int(raw.width), height: Int(raw.height),
                                      channels: Int(raw.channels), notes: ImageNotes(rawValue: raw.notes))
        }

        func close() { aci_decoder_close(handle) }
    }
}
