/// How an 8-bit input of 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels meets a
/// model's task and channels (docs/RESTORE.md has the table): what the network sees, what the
/// output holds, and what happens to alpha. Decided from the geometry alone, before any work.
public struct RestoreLayout: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// The colour channels are the model's channels.
        case direct
        /// Gray replicated to RGB; the luma of the RGB result is returned.
        case grayAsRGB
        /// RGB through a 1-channel model as luma; out = in + (restored Y - Y) in every channel,
        /// which keeps Cb and Cr exactly.
        case lumaOnly
        /// RGB through a 1-channel model, one channel at a time.
        case perChannel
        /// A raw GRBG Bayer plane spread to the 3-channel mosaic (zeros in the missing colours).
        case bayerRaw
        /// A 3-channel mosaic; samples outside the GRBG pattern are set to 0 (ignored).
        case mosaic
    }

    public let mode: Mode
    public let inputChannels: Int
    public let hasAlpha: Bool
    /// Colour channels of the input (1 or 3) and of the output.
    public let inputColor: Int
    public let outputColor: Int
    public let scale: Int
    public let notes: RestoreNotes

    public var outputChannels: Int { outputColor + (hasAlpha ? 1 : 0) }
    /// Model passes per tile and transform: 3 for `perChannel`, else 1.
    public var planes: Int { mode == .perChannel ? 3 : 1 }

    public init(config: ModelConfig, channels: Int) throws {
        guard (1...4).contains(channels) else {
            throw AclaError.invalidArgument("an image to restore has 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels, got \(channels)")
        }
        inputChannels = channels
        hasAlpha = channels == 2 || channels == 4
        inputColor = channels >= 3 ? 3 : 1
        scale = config.scale
        let task = config.task.rawValue
        switch (config.task, inputColor, config.channels) {
        case (.demosaic, _, _) where hasAlpha:
            throw AclaError.unsupported("demosaicing restores a Bayer image (1 channel) or a 3-channel mosaic; an input with alpha (\(channels) channels) is not a mosaic")
        case (.demosaic, 1, _): mode = .bayerRaw
        case (.demosaic, _, _): mode = .mosaic
        case (_, 1, 3): mode = .grayAsRGB
        case (.jpeg, 3, 1): mode = .lumaOnly
        case (_, 3, 1): mode = .perChannel
        case (_, let c, let m) where c == m: mode = .direct
        default:
            throw AclaError.internal("no restore layout for task \(task), \(inputColor) colour channels and a \(config.channels)-channel model")
        }
        switch mode {
        case .grayAsRGB: outputColor = 1
        case .bayerRaw, .mosaic: outputColor = 3
        default: outputColor = inputColor
        }
        var notes: RestoreNotes = []
        switch mode {
        case .grayAsRGB: notes.insert(.grayAsRGB)
        case .lumaOnly: notes.insert(.lumaOnly)
        case .perChannel: notes.insert(.perChannel)
        case .bayerRaw: notes.insert(.bayerRaw)
        case .direct, .mosaic: break
        }
        if hasAlpha { notes.insert(config.scale > 1 ? .alphaResized : .alphaCopied) }
        self.notes = notes
    }

    /// Output height and width for an input of height x width, checked against the pixel limit.
    public func outputSize(height: Int, width: Int) throws -> (height: Int, width: Int) {
        try ImageLimits.check(width: width, height: height, what: "image to restore")
        let (h, o1) = height.multipliedReportingOverflow(by: scale)
        let (w, o2) = width.multipliedReportingOverflow(by: scale)
        guard !o1, !o2, h <= Int(Int32.max), w <= Int(Int32.max) else {
            throw AclaError.invalidArgument("the x\(scale) output of a \(width) x \(height) image is too large")
        }
        try ImageLimits.check(width: w, height: h, what: "restored image (x\(scale))")
        return (h, w)
    }
}
