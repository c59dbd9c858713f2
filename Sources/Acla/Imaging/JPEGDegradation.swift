import CImageIO

/// The JPEG degradation: encode with libjpeg-turbo at `quality` (standard quantisation tables
/// scaled by `jpeg_set_quality` with baseline clamping, ISLOW DCT) and decode again, in memory.
/// Gray images are coded as one component, which is the benchmark setting (classic5/LIVE1 at
/// q 10..40 on the gray or Y image; bit-exact with `classic5_jpeg_q10`). RGB images are coded
/// as standard colour JPEG (YCbCr with 4:2:0 chroma, libjpeg's defaults) and come back as RGB;
/// to degrade only the luma of a colour image, convert it to gray first.
public enum JPEGDegradation {
    public static func roundTrip(_ image: Image8, quality: Int) throws -> Image8 {
        guard (1...100).contains(quality) else {
            throw AclaError.invalidArgument("JPEG quality must be 1...100, got \(quality)")
        }
        guard image.width <= 65500, image.height <= 65500 else {
            throw AclaError.unsupported("JPEG images are at most 65500 pixels on a side, got \(image.width) x \(image.height)")
        }
        var message = aci_message()
        var code: Int32 = 0
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                code = aci_jpeg_round_trip(src.baseAddress, Int32(image.width), Int32(image.height),
                                           Int32(image.channels), Int32(quality), dst.baseAddress, &message)
            }
        }
        guard code == 0 else { throw ImageFile.error(code, message) }
        return Image8(validatedWidth: image.width, height: image.height, channels: image.channels, pixels: out)
    }
}
