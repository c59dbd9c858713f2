import Acla

// Resizing and degradations (include/acla.h, "Images, degradations and metrics").

@_cdecl("acla_resize_output_size")
public func acla_resize_output_size(_ height: Int32, _ width: Int32, _ scale: Double,
                                    _ outHeight: UnsafeMutablePointer<Int32>?, _ outWidth: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let outHeight = try requireNonNull(outHeight, "out_height")
        let outWidth = try requireNonNull(outWidth, "out_width")
        let (_, h, w) = try ImageArguments.geometry(1, height, width)
        let size = try BicubicResize.outputSize(height: h, width: w, scale: scale)
        outHeight.pointee = Int32(size.height)
        outWidth.pointee = Int32(size.width)
    }
}

/// Validates dst for a resize of src and returns the output geometry.
private func resizeTarget(_ height: Int32, _ width: Int32, _ channels: Int32, _ scale: Double,
                          _ dstLen: UInt) throws -> Int {
    let (c, h, w) = try ImageArguments.geometry(channels, height, width)
    let size = try BicubicResize.outputSize(height: h, width: w, scale: scale)
    let needed = try ImageArguments.count(c, size.height, size.width)
    try ImageArguments.requireLength(dstLen, needed, "dst_len",
                                     image: ImageArguments.describe(width: size.width, height: size.height, channels: c))
    return needed
}

@_cdecl("acla_resize_bicubic")
public func acla_resize_bicubic(_ src: UnsafePointer<UInt8>?, _ srcLen: UInt, _ channels: Int32, _ height: Int32,
                                _ width: Int32, _ scale: Double, _ boundaryRule: Int32,
                                _ dst: UnsafeMutablePointer<UInt8>?, _ dstLen: UInt) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(src, srcLen, channels, height, width, "src", lengthName: "src_len")
        let rule = try ImageArguments.boundary(boundaryRule)
        let dst = try requireNonNull(dst, "dst")
        _ = try resizeTarget(height, width, channels, scale, dstLen)
        ImageArguments.copy(try BicubicResize.resize(image, scale: scale, boundary: rule).pixels, to: dst)
    }
}

@_cdecl("acla_resize_bicubic_f32")
public func acla_resize_bicubic_f32(_ src: UnsafePointer<Float>?, _ srcLen: UInt, _ channels: Int32, _ height: Int32,
                                    _ width: Int32, _ scale: Double, _ boundaryRule: Int32,
                                    _ dst: UnsafeMutablePointer<Float>?, _ dstLen: UInt) -> Int32 {
    boundary {
        let image = try ImageArguments.floatImage(src, srcLen, channels, height, width, "src", lengthName: "src_len")
        let rule = try ImageArguments.boundary(boundaryRule)
        let dst = try requireNonNull(dst, "dst")
        _ = try resizeTarget(height, width, channels, scale, dstLen)
        ImageArguments.copy(try BicubicResize.resize(image, scale: scale, boundary: rule).values, to: dst)
    }
}

@_cdecl("acla_modcrop")
public func acla_modcrop(_ src: UnsafePointer<UInt8>?, _ srcLen: UInt, _ channels: Int32, _ height: Int32,
                         _ width: Int32, _ scale: Int32, _ dst: UnsafeMutablePointer<UInt8>?, _ dstLen: UInt) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(src, srcLen, channels, height, width, "src", lengthName: "src_len")
        let dst = try requireNonNull(dst, "dst")
        let cropped = try BicubicResize.modcrop(image, scale: Int(scale))
        try ImageArguments.requireLength(dstLen, cropped.pixels.count, "dst_len",
                                         image: ImageArguments.describe(width: cropped.width, height: cropped.height, channels: cropped.channels))
        ImageArguments.copy(cropped.pixels, to: dst)
    }
}

@_cdecl("acla_degrade_noise")
public func acla_degrade_noise(_ src: UnsafePointer<Float>?, _ dst: UnsafeMutablePointer<Float>?, _ len: UInt,
                               _ channels: Int32, _ height: Int32, _ width: Int32, _ sigma: Double, _ seed: UInt64) -> Int32 {
    boundary {
        let image = try ImageArguments.floatImage(src, len, channels, height, width, "src")
        let dst = try requireNonNull(dst, "dst")
        ImageArguments.copy(try GaussianNoise.apply(image, sigma: sigma, seed: seed).values, to: dst)
    }
}

@_cdecl("acla_degrade_noise_u8")
public func acla_degrade_noise_u8(_ src: UnsafePointer<UInt8>?, _ dst: UnsafeMutablePointer<UInt8>?, _ len: UInt,
                                  _ channels: Int32, _ height: Int32, _ width: Int32, _ sigma: Double, _ seed: UInt64) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(src, len, channels, height, width, "src")
        let dst = try requireNonNull(dst, "dst")
        ImageArguments.copy(try GaussianNoise.apply(image, sigma: sigma, seed: seed).pixels, to: dst)
    }
}

@_cdecl("acla_degrade_mosaic")
public func acla_degrade_mosaic(_ src: UnsafePointer<UInt8>?, _ dst: UnsafeMutablePointer<UInt8>?, _ len: UInt,
                                _ height: Int32, _ width: Int32) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(src, len, 3, height, width, "src")
        let dst = try requireNonNull(dst, "dst")
        ImageArguments.copy(try BayerMosaic.mosaic(image).pixels, to: dst)
    }
}

@_cdecl("acla_degrade_jpeg")
public func acla_degrade_jpeg(_ src: UnsafePointer<UInt8>?, _ dst: UnsafeMutablePointer<UInt8>?, _ len: UInt,
                              _ channels: Int32, _ height: Int32, _ width: Int32, _ quality: Int32) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(src, len, channels, height, width, "src")
        let dst = try requireNonNull(dst, "dst")
        ImageArguments.copy(try JPEGDegradation.roundTrip(image, quality: Int(quality)).pixels, to: dst)
    }
}

@_cdecl("acla_rgb_to_gray")
public func acla_rgb_to_gray(_ rgb: UnsafePointer<UInt8>?, _ rgbLen: UInt, _ height: Int32, _ width: Int32,
                             _ gray: UnsafeMutablePointer<UInt8>?, _ grayLen: UInt) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(rgb, rgbLen, 3, height, width, "rgb", lengthName: "rgb_len")
        let gray = try requireNonNull(gray, "gray")
        try ImageArguments.requireLength(grayLen, image.width * image.height, "gray_len", image: "the gray output")
        ImageArguments.copy(ColorConversion.rgbToGray(image).pixels, to: gray)
    }
}

@_cdecl("acla_rgb_to_y")
public func acla_rgb_to_y(_ rgb: UnsafePointer<UInt8>?, _ rgbLen: UInt, _ height: Int32, _ width: Int32,
                          _ y: UnsafeMutablePointer<Float>?, _ yLen: UInt) -> Int32 {
    boundary {
        let image = try ImageArguments.image8(rgb, rgbLen, 3, height, width, "rgb", lengthName: "rgb_len")
        let y = try requireNonNull(y, "y")
        try ImageArguments.requireLength(yLen, image.width * image.height, "y_len", image: "the Y output")
        ImageArguments.copy(ColorConversion.rgbToY(image).values, to: y)
    }
}
