/// What a restore does with an input's channels beyond running the model on them: the caller
/// is told (the CLI prints these), because each changes what the output means.
public struct RestoreNotes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A gray input went through an RGB model replicated to three channels; the output is the
    /// luma of the result (1 channel).
    public static let grayAsRGB = RestoreNotes(rawValue: 1)
    /// A colour input went through a 1-channel model as its luma; chroma (Cb, Cr) is kept.
    public static let lumaOnly = RestoreNotes(rawValue: 2)
    /// A colour input went through a 1-channel model one channel at a time.
    public static let perChannel = RestoreNotes(rawValue: 4)
    /// A 1-channel input was read as a raw GRBG Bayer image; the output is RGB.
    public static let bayerRaw = RestoreNotes(rawValue: 8)
    /// The alpha channel was upscaled bicubically (not by the model).
    public static let alphaResized = RestoreNotes(rawValue: 16)
    /// The alpha channel was copied unchanged (not restored).
    public static let alphaCopied = RestoreNotes(rawValue: 32)

    public static let all: RestoreNotes = [.grayAsRGB, .lumaOnly, .perChannel, .bayerRaw, .alphaResized, .alphaCopied]

    public var messages: [String] {
        var out: [String] = []
        if contains(.grayAsRGB) { out.append("gray input restored as RGB (replicated); the output is the luma of the result") }
        if contains(.lumaOnly) { out.append("colour input: the 1-channel model restored the luma (Y); chroma (Cb, Cr) is kept") }
        if contains(.perChannel) { out.append("colour input: the 1-channel model restored R, G and B one at a time") }
        if contains(.bayerRaw) { out.append("1-channel input read as a raw GRBG Bayer image; the output is RGB") }
        if contains(.alphaResized) { out.append("alpha channel upscaled bicubically, not restored") }
        if contains(.alphaCopied) { out.append("alpha channel copied unchanged, not restored") }
        return out
    }
}
