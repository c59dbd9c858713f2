import AclaKernels

/// The library version; the numbers live in AclaKernels/static_strings.c and must match
/// ACLA_VERSION_* in include/acla.h (a test checks).
public enum Version {
    public static var major: Int { Int(ak_version_major()) }
    public static var minor: Int { Int(ak_version_minor()) }
    public static var patch: Int { Int(ak_version_patch()) }
    public static var string: String { String(cString: ak_version_string()) }
    public static var number: UInt32 { UInt32(major * 10000 + minor * 100 + patch) }
}
