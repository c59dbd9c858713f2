/// The library version; must match ACLA_VERSION_* in include/acla.h (a test checks).
public enum Version {
    public static let major = 0
    public static let minor = 1
    public static let patch = 0
    /// Static text (the C boundary returns its pointer, valid forever).
    public static let text: StaticString = "0.1.0"
    public static var string: String { text.description }
    public static var number: UInt32 { UInt32(major * 10000 + minor * 100 + patch) }
}
