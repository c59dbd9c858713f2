/// The largest image the library allocates: decoders refuse bigger files before allocating any
/// pixel memory, and resizes refuse to produce bigger outputs. Process-wide, like the thread
/// count; set it before starting concurrent work.
public enum ImageLimits {
    public static let defaultMaxPixels = 100_000_000

    nonisolated(unsafe) private static var value = defaultMaxPixels

    /// Pixels (height x width, any channel count) an image may have; 100 megapixels by default.
    public static var maxPixels: Int { value }

    public static func setMaxPixels(_ n: Int) throws {
        guard n >= 1 else { throw AclaError.invalidArgument("pixel limit must be at least 1, got \(n)") }
        value = n
    }

    /// Throws unless a width x height image (both >= 1) is within the limit.
    public static func check(width: Int, height: Int, what: String = "image") throws {
        guard width >= 1, height >= 1 else {
            throw AclaError.invalidArgument("\(what) size \(width) x \(height) is not positive")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= value else {
            throw AclaError.outOfMemory("\(what) of \(width) x \(height) pixels is over the limit of \(value) pixels")
        }
    }
}
