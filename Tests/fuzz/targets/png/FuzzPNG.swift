import Acla
import FuzzSupport

// PNG decoding as acla_image_info and acla_image_read see it (libpng behind CImageIO), under a
// pixel limit small enough that one input is fast.

private let good = corpusFile("png", "gray_alpha_8x6.png")
private let canary = Canary {
    let path = FuzzFile.write(good, suffix: ".canary.png")
    let (image, info) = try ImageFile.read(path)
    return image.pixels + [UInt8(info.channels), UInt8(info.notes.rawValue)]
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzInitialize()
    canary.check()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzImage(data, size, suffix: ".png")
    canary.check()
    return 0
}

