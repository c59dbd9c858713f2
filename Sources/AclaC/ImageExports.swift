import Acla

// Image files and the pixel limit (include/acla.h, "Images, degradations and metrics").

@_cdecl("acla_image_set_pixel_limit")
public func acla_image_set_pixel_limit(_ maxPixels: Int64) -> Int32 {
    boundary {
        guard maxPixels >= 1, maxPixels <= Int64(Int.max) else {
            throw AclaError.invalidArgument("pixel limit must be at least 1, got \(maxPixels)")
        }
        try ImageLimits.setMaxPixels(Int(maxPixels))
    }
}

@_cdecl("acla_image_get_pixel_limit")
public func acla_image_get_pixel_limit() -> Int64 { Int64(ImageLimits.maxPixels) }

/// Bits of the `flags` of acla_image_info_ex / acla_image_read_ex.
private let keepAlphaFlag: UInt32 = 1

private func keepsAlpha(_ flags: UInt32) throws -> Bool {
    guard flags & ~keepAlphaFlag == 0 else {
        throw AclaError.invalidArgument("unknown image read flags 0x\(String(flags, radix: 16)) (ACLA_IMAGE_READ_KEEP_ALPHA is 1)")
    }
    return flags & keepAlphaFlag != 0
}

private func imageInfo(_ path: UnsafePointer<CChar>?, keepAlpha: Bool, _ format: UnsafeMutablePointer<Int32>?,
                       _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                       _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) throws {
    let path = try string(path, "path")
    let channels = try requireNonNull(channels, "channels")
    let height = try requireNonNull(height, "height")
    let width = try requireNonNull(width, "width")
    let info = try ImageFile.info(path, keepAlpha: keepAlpha)
    format?.pointee = info.format.rawValue
    channels.pointee = Int32(info.channels)
    height.pointee = Int32(info.height)
    width.pointee = Int32(info.width)
    notes?.pointee = info.notes.rawValue
}

private func imageRead(_ path: UnsafePointer<CChar>?, keepAlpha: Bool, _ pixels: UnsafeMutablePointer<UInt8>?, _ len: UInt,
                       _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                       _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) throws {
    let path = try string(path, "path")
    let pixels = try requireNonNull(pixels, "pixels")
    let channels = try requireNonNull(channels, "channels")
    let height = try requireNonNull(height, "height")
    let width = try requireNonNull(width, "width")
    // The header first, so a wrong buffer size is reported before decoding.
    let info = try ImageFile.info(path, keepAlpha: keepAlpha)
    let needed = try ImageArguments.count(info.channels, info.height, info.width)
    guard len >= UInt(needed) else {
        throw AclaError.shape("len is \(len) bytes, \(path) needs \(needed) (\(info.width) x \(info.height) x \(info.channels))")
    }
    let read = try ImageFile.readPixels(path, keepAlpha: keepAlpha)
    guard UInt(read.pixels.count) <= len else {
        throw AclaError.shape("\(path) changed while being read: it now needs \(read.pixels.count) bytes")
    }
    ImageArguments.copy(read.pixels, to: pixels)
    channels.pointee = Int32(read.channels)
    height.pointee = Int32(read.height)
    width.pointee = Int32(read.width)
    notes?.pointee = read.info.notes.rawValue
}

@_cdecl("acla_image_info")
public func acla_image_info(_ path: UnsafePointer<CChar>?, _ format: UnsafeMutablePointer<Int32>?,
                            _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                            _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) -> Int32 {
    boundary { try imageInfo(path, keepAlpha: false, format, channels, height, width, notes) }
}

@_cdecl("acla_image_info_ex")
public func acla_image_info_ex(_ path: UnsafePointer<CChar>?, _ flags: UInt32, _ format: UnsafeMutablePointer<Int32>?,
                               _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                               _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) -> Int32 {
    boundary { try imageInfo(path, keepAlpha: try keepsAlpha(flags), format, channels, height, width, notes) }
}

@_cdecl("acla_image_read")
public func acla_image_read(_ path: UnsafePointer<CChar>?, _ pixels: UnsafeMutablePointer<UInt8>?, _ len: UInt,
                            _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                            _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) -> Int32 {
    boundary { try imageRead(path, keepAlpha: false, pixels, len, channels, height, width, notes) }
}

@_cdecl("acla_image_read_ex")
public func acla_image_read_ex(_ path: UnsafePointer<CChar>?, _ flags: UInt32, _ pixels: UnsafeMutablePointer<UInt8>?,
                               _ len: UInt, _ channels: UnsafeMutablePointer<Int32>?, _ height: UnsafeMutablePointer<Int32>?,
                               _ width: UnsafeMutablePointer<Int32>?, _ notes: UnsafeMutablePointer<UInt32>?) -> Int32 {
    boundary { try imageRead(path, keepAlpha: try keepsAlpha(flags), pixels, len, channels, height, width, notes) }
}

@_cdecl("acla_image_write")
public func acla_image_write(_ path: UnsafePointer<CChar>?, _ pixels: UnsafePointer<UInt8>?, _ len: UInt,
                             _ channels: Int32, _ height: Int32, _ width: Int32, _ jpegQuality: Int32) -> Int32 {
    boundary {
        let path = try string(path, "path")
        guard (0...100).contains(jpegQuality) else {
            throw AclaError.invalidArgument("jpeg_quality must be 0 (default 95) or 1..100, got \(jpegQuality)")
        }
        let (c, h, w) = try ImageArguments.geometry(channels, height, width, alpha: true)
        let p = try requireNonNull(pixels, "pixels")
        let needed = try ImageArguments.count(c, h, w)
        try ImageArguments.requireLength(len, needed, "len", image: ImageArguments.describe(width: w, height: h, channels: c))
        try ImageFile.write(pixels: Array(UnsafeBufferPointer(start: p, count: needed)), width: w, height: h, channels: c,
                            to: path, quality: jpegQuality == 0 ? 95 : Int(jpegQuality))
    }
}
