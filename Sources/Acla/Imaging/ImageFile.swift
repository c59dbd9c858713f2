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
/// decoded image: 1 for gray and gray+alpha, 3 for RGB, RGBA and palette; keeping alpha, 2 for
/// gray+alpha and 4 for RGBA, palette or tRNS transparency).
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

/// Decoded 8-bit HWC samples of 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels: what
/// `ImageFile.readPixels` returns, for the callers that handle alpha (restoring, the C API).
public struct DecodedPixels: Sendable {
    public let pixels: [UInt8]
    public let info: ImageFileInfo
    public var channels: Int { info.channels }
    public var width: Int { info.width }
    public var height: Int { info.height }
}

/// PNG and JPEG files through the CImageIO target (libpng, libjpeg-turbo): the format is
/// recognised from the file's signature when reading and from the extension when writing.
public enum ImageFile {
    /// Reads only the header; refuses images over `maxPixels`. `keepAlpha` reports the channels
    /// `readPixels(keepAlpha: true)` gives (2 or 4 for a PNG with alpha or transparency).
    public static func info(_ path: String, maxPixels: Int = ImageLimits.maxPixels, keepAlpha: Bool = false) throws -> ImageFileInfo {
        let decoder = try Decoder(path: path, maxPixels: maxPixels, keepAlpha: keepAlpha)
        defer { decoder.close() }
        return decoder.info
    }

    /// Decodes a PNG or JPEG file to 8-bit gray or RGB; the notes say what was dropped or reduced.
    public static func read(_ path: String, maxPixels: Int = ImageLimits.maxPixels) throws -> (image: Image8, info: ImageFileInfo) {
        let decoded = try readPixels(path, maxPixels: maxPixels, keepAlpha: false)
        let info = decoded.info
        let image = Image8(validatedWidth: info.width, height: info.height, channels: info.channels, pixels: decoded.pixels)
        return (image, info)
    }

    /// Decodes to 8 bits; with `keepAlpha` a PNG's alpha channel (or its tRNS or palette
    /// transparency, as an alpha channel) is kept as the last channel: 2 or 4 channels.
    public static func readPixels(_ path: String, maxPixels: Int = ImageLimits.maxPixels, keepAlpha: Bool) throws -> DecodedPixels {
        let decoder = try Decoder(path: path, maxPixels: maxPixels, keepAlpha: keepAlpha)
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
        return DecodedPixels(pixels: pixels, info: info)
    }

    /// Writes `image` as PNG (.png) or JPEG (.jpg, .jpeg; `quality` 1...100), replacing any
    /// existing file only once the new one is complete (a temporary file is renamed over it).
    public static func write(_ image: Image8, to path: String, quality: Int = 95) throws {
        try write(pixels: image.pixels, width: image.width, height: image.height, channels: image.channels,
                  to: path, quality: quality)
    }

    /// The same for HWC samples of 1...4 channels; 2 and 4 (with alpha) only as PNG (JPEG has
    /// no alpha: `AclaError.unsupported`).
    public static func write(pixels: [UInt8], width: Int, height: Int, channels: Int, to path: String, quality: Int = 95) throws {
        guard (1...4).contains(channels) else {
            throw AclaError.invalidArgument("an image to write has 1 to 4 channels, got \(channels)")
        }
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw AclaError.unsupported("a \(width) x \(height) image cannot be written as PNG or JPEG")
        }
        let count = try CheckedSize.product([height, width, channels], limit: Int.max, what: "image")
        guard pixels.count == count else {
            throw AclaError.shape("a \(width) x \(height) image with \(channels) channels needs \(count) samples, got \(pixels.count)")
        }
        var message = aci_message()
        let code: Int32
        switch try format(forPath: path) {
        case .png:
            code = pixels.withUnsafeBufferPointer {
                aci_png_write(path, $0.baseAddress, Int32(width), Int32(height), Int32(channels), &message)
            }
        case .jpeg:
            guard channels == 1 || channels == 3 else {
                throw AclaError.unsupported("JPEG has no alpha channel: \(path) cannot hold a \(channels)-channel image; write a .png (or drop the alpha)")
            }
            guard (1...100).contains(quality) else {
                throw AclaError.invalidArgument("JPEG quality must be 1...100, got \(quality)")
            }
            guard width <= 65500, height <= 65500 else {
                throw AclaError.unsupported("JPEG images are at most 65500 pixels on a side; \(width) x \(height) needs PNG")
            }
            code = pixels.withUnsafeBufferPointer {
                aci_jpeg_write(path, $0.baseAddress, Int32(width), Int32(height), Int32(channels), Int32(quality), &message)
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

        init(path: String, maxPixels: Int, keepAlpha: Bool = false) throws {
            guard maxPixels >= 1 else { throw AclaError.invalidArgument("pixel limit must be at least 1, got \(maxPixels)") }
            guard !path.isEmpty else { throw AclaError.invalidArgument("image path is empty") }
            var message = aci_message()
            var raw = aci_image_info()
            var handle: OpaquePointer?
            let code = aci_decoder_open(path, Int64(maxPixels), keepAlpha ? UInt32(ACI_DECODE_KEEP_ALPHA) : 0, &handle, &raw, &message)
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
