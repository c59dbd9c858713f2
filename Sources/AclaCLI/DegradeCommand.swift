import Acla
import ArgumentParser

/// `acla degrade`: makes low-quality inputs the way the benchmarks made theirs
/// (CONVENTIONS.md section 2), for one image or a folder of images.
struct Degrade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "degrade",
        abstract: "Make low-quality inputs (bicubic LR, noise, Bayer mosaic, JPEG) the benchmarks' way.",
        discussion: """
        sr: modcrop to a multiple of --scale, then MATLAB bicubic downscaling by 1/scale.

        denoise: Gaussian noise of --sigma (0..255 scale) from --seed; --convention uint8 rounds and clips (PNG output), float keeps the values (needs a .npy output).

        demosaic: Bayer GRBG mosaic of an RGB image, 3 channels with zeros.

        jpeg: libjpeg-turbo round trip at --quality on the grayscale image (RGB input is converted with MATLAB rgb2gray unless --color keeps a colour JPEG).

        IN and OUT may be folders: every PNG/JPEG in IN is written to OUT as <stem>.png (.npy for float noise); with noise, image i (in name order) uses seed + i.
        """
    )

    @Option(parsing: .unconditional, help: "sr, denoise, demosaic or jpeg.") var task: TaskOption
    @Option(parsing: .unconditional, help: "sr: the downscaling factor (e.g. 2, 3, 4).") var scale: Int?
    @Option(parsing: .unconditional, help: "sr: boundary rule, symmetric (EDSR's LR images) or replicate (RCAN's).") var boundary: BoundaryOption = .symmetric
    @Option(parsing: .unconditional, help: "denoise: noise standard deviation on the 0..255 scale.") var sigma: Double?
    @Option(parsing: .unconditional, help: "denoise: uint8 (round and clip) or float (unrounded, .npy output).") var convention: ConventionOption = .uint8
    @Option(parsing: .unconditional, help: "denoise: seed of the noise.") var seed: UInt64?
    @Option(parsing: .unconditional, help: "jpeg: quality 1..100 (the benchmarks use 10, 20, 30, 40).") var quality: Int?
    @Flag(help: "Convert RGB input to gray (MATLAB rgb2gray) first.") var gray = false
    @Flag(help: "jpeg: keep RGB input in colour (YCbCr 4:2:0 JPEG) instead of converting it to gray.") var color = false
    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: "Refuse images with more pixels (default 100000000).") var maxPixels: Int?
    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Input image or folder.") var input: String
    @Argument(help: "Output image (.png, .jpg, .npy) or folder.") var output: String

    func validate() throws {
        switch task {
        case .sr:
            guard let scale else { throw ValidationError("--task sr needs --scale N with N >= 1") }
            guard scale >= 1 else { throw ValidationError("--scale must be >= 1, got \(scale)") }
        case .denoise:
            guard let sigma else { throw ValidationError("--task denoise needs --sigma S with S >= 0") }
            guard sigma.isFinite, sigma >= 0 else { throw ValidationError("--sigma must be a finite number >= 0, got \(sigma)") }
            guard seed != nil else { throw ValidationError("--task denoise needs --seed N (the noise must be reproducible)") }
        case .jpeg:
            guard let quality else { throw ValidationError("--task jpeg needs --quality Q with Q in 1...100") }
            guard (1...100).contains(quality) else { throw ValidationError("--quality must be in 1...100, got \(quality)") }
        case .demosaic:
            break
        }
        if color && task != .jpeg { throw ValidationError("--color only applies to --task jpeg") }
        if color && gray { throw ValidationError("--color and --gray contradict each other") }
    }

    /// The degraded result: 8-bit, or float for float-convention noise.
    enum Result {
        case image(Image8)
        case floats(FloatImage)
    }

    func degrade(_ source: Image8, index: Int, name: String) throws -> Result {
        var image = gray ? ColorConversion.rgbToGray(source) : source
        switch task {
        case .sr:
            let s = scale ?? 1
            let cropped = try BicubicResize.modcrop(image, scale: s)
            if cropped.width != image.width || cropped.height != image.height {
                ImageCommandSupport.note("\(name): cropped to \(cropped.width)x\(cropped.height) (a multiple of \(s))")
            }
            return .image(try BicubicResize.resize(cropped, scale: 1.0 / Double(s), boundary: boundary.rule))
        case .denoise:
            let seedForImage = (seed ?? 0) &+ UInt64(index)
            switch convention {
            case .uint8: return .image(try GaussianNoise.apply(image, sigma: sigma ?? 0, seed: seedForImage))
            case .float: return .floats(try GaussianNoise.apply(FloatImage(image), sigma: sigma ?? 0, seed: seedForImage))
            }
        case .demosaic:
            guard image.channels == 3 else {
                throw AclaError.invalidArgument("\(name): demosaicing needs an RGB image, this one is gray")
            }
            return .image(try BayerMosaic.mosaic(image))
        case .jpeg:
            if image.channels == 3 && !color {
                ImageCommandSupport.note("\(name): converted to gray (MATLAB rgb2gray) for the JPEG task; --color keeps colour")
                image = ColorConversion.rgbToGray(image)
            }
            return .image(try JPEGDegradation.roundTrip(image, quality: quality ?? 0))
        }
    }

    func write(_ result: Result, to path: String) throws {
        let isNumpy = path.lowercased().hasSuffix(".npy")
        switch result {
        case .image(let image):
            if isNumpy { try NpyFile.write(FloatImage(image), to: path) } else { try ImageFile.write(image, to: path) }
            print("wrote \(path) (\(image.width)x\(image.height)x\(image.channels))")
        case .floats(let values):
            guard isNumpy else {
                throw AclaError.invalidArgument("float-convention noise needs a .npy output: an 8-bit image file would round it (that is --convention uint8), got \(path)")
            }
            try NpyFile.write(values, to: path)
            print("wrote \(path) (\(values.width)x\(values.height)x\(values.channels) float32)")
        }
    }

    func run() throws {
        try cliGuard(runtime) {
            try ImageCommandSupport.applyPixelLimit(maxPixels)
            guard let inputIsFolder = Paths.isDirectory(input) else { throw AclaError.io("\(input) does not exist") }
            let outputExt = convention == .float && task == .denoise ? ".npy" : ".png"
            if !inputIsFolder {
                var target = output
                if ImageCommandSupport.isDirectory(output) {
                    target = Paths.join(output, Paths.stem(input) + outputExt)
                }
                try write(try degrade(try ImageCommandSupport.read(input), index: 0, name: Paths.fileName(input)), to: target)
                return
            }
            if Paths.isDirectory(output) == false {
                throw AclaError.invalidArgument("\(input) is a folder, so the output \(output) must be a folder too")
            }
            try ImageCommandSupport.createFolder(output)
            guard !ImageCommandSupport.sameFolder(input, output) else {
                throw AclaError.invalidArgument("the output folder is the input folder: the degraded images would replace the originals")
            }
            let names = try Paths.list(input).filter { ImageFile.isImageName($0) }
            guard !names.isEmpty else { throw AclaError.invalidArgument("no PNG or JPEG images in \(input)") }
            for (index, name) in names.enumerated() {
                let image = try ImageCommandSupport.read(Paths.join(input, name))
                try write(try degrade(image, index: index, name: name), to: Paths.join(output, Paths.stem(name) + outputExt))
            }
        }
    }
}
