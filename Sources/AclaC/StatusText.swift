import Acla

/// `acla_status_string`: static text per status code, valid forever.
enum StatusText {
    private static let texts: [StaticString] = [
        "success", "invalid argument", "shape mismatch", "input/output error",
        "malformed file or data", "unsupported", "out of memory or over a configured limit",
        "cancelled", "invalid state for this call", "internal error",
    ]
    private static let unknown: StaticString = "unknown status code"

    static func pointer(_ status: Int32) -> UnsafePointer<CChar> {
        let text = status >= 0 && Int(status) < texts.count ? texts[Int(status)] : unknown
        return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
