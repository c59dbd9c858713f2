/// High-quality images decoded once and kept in memory, converted to the model's channels, with
/// the super-resolution inputs (MATLAB bicubic on uint8, per image and scale) made at load.
public final class TrainingImages {
    public struct Item: Sendable {
        public let name: String
        /// The target (modcropped for super-resolution), HWC 8-bit.
        public let target: Image8
        /// sr: the bicubic-downscaled input; nil for the same-resolution tasks (made per patch).
        public let input: Image8?

        /// The input's size (the target's for same-resolution tasks).
        public var inputSize: (height: Int, width: Int) {
            input.map { ($0.height, $0.width) } ?? (target.height, target.width)
        }
    }

    public let items: [Item]
    /// Bytes of pixels held.
    public let bytes: Int
    /// What the loader did that a user should know (skipped files, conversions).
    public let notes: [String]

    public static let defaultMemoryLimit = 4 << 30

    init(items: [Item], bytes: Int, notes: [String]) {
        self.items = items
        self.bytes = bytes
        self.notes = notes
    }

    /// The PNG/JPEG files of `folder` (sorted by name), or `folder` itself when it is one image.
    public static func imagePaths(_ folder: String) throws -> [String] {
        guard let isDir = Paths.isDirectory(folder) else { throw AclaError.io("no such file or folder: '\(folder)'") }
        guard isDir else { return [folder] }
        let names = try Paths.list(folder).filter(ImageFile.isImageName)
        guard !names.isEmpty else { throw AclaError.invalidArgument("folder '\(folder)' holds no .png, .jpg or .jpeg image") }
        return names.map { Paths.join(folder, $0) }
    }

    /// Loads every image of `paths` for `config`'s task and channels. Images whose input is
    /// smaller than `minInputSide` are skipped (named in `notes`); the headers are read first
    /// and the whole set is refused, before decoding, when it would hold more than
    /// `memoryLimitBytes` bytes.
    public static func load(paths: [String], config: ModelConfig, degradation: DegradationSettings,
                            minInputSide: Int, memoryLimitBytes: Int = defaultMemoryLimit) throws -> TrainingImages {
        guard memoryLimitBytes >= 1 else { throw AclaError.invalidArgument("data memory limit must be >= 1 byte, got \(memoryLimitBytes)") }
        let s = config.scale
        var planned: [(String, ImageFileInfo)] = []
        var notes: [String] = []
        var bytes = 0
        for path in paths {
            let info = try ImageFile.info(path)
            let (h, w) = (info.height - info.height % s, info.width - info.width % s)
            guard h / s >= minInputSide, w / s >= minInputSide else {
                notes.append("\(Paths.fileName(path)): skipped, its input (\(w / s)x\(h / s)) is smaller than the patch \(minInputSide)")
                continue
            }
            // target plus, for sr, the input; each with the model's channels
            let need = h * w * config.channels + (s > 1 ? (h / s) * (w / s) * config.channels : 0)
            bytes += need
            guard bytes <= memoryLimitBytes else {
                throw AclaError.outOfMemory("training images need more than the data memory limit of \(memoryLimitBytes) bytes (reached at '\(Paths.fileName(path))', \(paths.count) images): raise the limit or use fewer images")
            }
            planned.append((path, info))
        }
        guard !planned.isEmpty else {
            throw AclaError.invalidArgument("no usable training image: every image is smaller than the patch (\(notes.first ?? ""))")
        }
        var items: [Item] = []
        for (path, _) in planned {
            var (image, info) = try ImageFile.read(path)
            let name = Paths.fileName(path)
            for m in info.notes.messages { notes.append("\(name): \(m)") }
            image = try convert(image, channels: config.channels)
            if config.task == .sr {
                let target = try BicubicResize.modcrop(image, scale: s)
                let input = try BicubicResize.resize(target, scale: 1 / Double(s), boundary: degradation.resizeBoundary)
                guard input.height == target.height / s, input.width == target.width / s else {
                    throw AclaError.internal("bicubic x1/\(s) of \(target.width)x\(target.height) gave \(input.width)x\(input.height)")
                }
                items.append(Item(name: name, target: target, input: input))
            } else {
                items.append(Item(name: name, target: image, input: nil))
            }
        }
        return TrainingImages(items: items, bytes: bytes, notes: notes)
    }

    /// Gray for 1-channel models (MATLAB rgb2gray), RGB (gray replicated) for 3-channel ones.
    static func convert(_ image: Image8, channels: Int) throws -> Image8 {
        switch (image.channels, channels) {
        case (3, 1): return ColorConversion.rgbToGray(image)
        case (1, 3): return image.toRGB()
        case (let a, let b) where a == b: return image
        default: throw AclaError.invalidArgument("cannot convert a \(image.channels)-channel image to \(channels) channels")
        }
    }
}
