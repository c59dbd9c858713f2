import Foundation
import XCTest
@testable import Acla

/// The data side of training: folders, memory limit, per-task inputs, dihedral transforms and
/// the seeded patch sampler.
final class TrainingDataTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "acla-train-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func randomImage(_ w: Int, _ h: Int, _ c: Int, _ rng: inout RandomGenerator) throws -> Image8 {
        try Image8(width: w, height: h, channels: c, pixels: (0..<(w * h * c)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    }

    /// Writes images a.png, b.png, ... and returns them.
    func writeImages(_ sizes: [(Int, Int, Int)], salt: UInt64) throws -> [Image8] {
        var rng = TestSeed.generator(salt)
        return try sizes.enumerated().map { i, s in
            let image = try randomImage(s.0, s.1, s.2, &rng)
            try ImageFile.write(image, to: folder + "/\(Character(UnicodeScalar(UInt8(97 + i)))).png")
            return image
        }
    }

    /// Reference dihedral transform written from EDSR's numpy: img[:, ::-1], img[::-1], transpose(1, 0, 2).
    func referenceDihedral(_ t: Int, _ img: [[[UInt8]]]) -> [[[UInt8]]] {
        var a = img
        if t & 1 != 0 { a = a.map { Array($0.reversed()) } }
        if t & 2 != 0 { a = Array(a.reversed()) }
        if t & 4 != 0 { a = (0..<a[0].count).map { x in (0..<a.count).map { y in a[y][x] } } }
        return a
    }

    func nested(_ im: Image8) -> [[[UInt8]]] {
        (0..<im.height).map { y in (0..<im.width).map { x in (0..<im.channels).map { im[y, x, $0] } } }
    }

    func testDihedralTransformsMatchEDSRAugment() throws {
        var rng = TestSeed.generator(201)
        let image = try randomImage(5, 3, 3, &rng)
        var seen = Set<[UInt8]>()
        for t in 0..<8 {
            let out = Dihedral.apply(t, to: image)
            let want = referenceDihedral(t, nested(image))
            XCTAssertEqual(nested(out), want, "transform \(t)")
            seen.insert(out.pixels + [UInt8(out.width)])
        }
        XCTAssertEqual(seen.count, 8, "the 8 transforms are distinct")
    }

    func testSuperResolutionPatchesAreAlignedCropsOfTheBicubicInput() throws {
        let images = try writeImages([(40, 34, 3), (31, 29, 1)], salt: 202)
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#)
        let set = try TrainingImages.load(paths: TrainingImages.imagePaths(folder), config: config,
                                          degradation: DegradationSettings(), minInputSide: 8)
        XCTAssertEqual(set.items.map(\.name), ["a.png", "b.png"])
        // b is gray: replicated to RGB; both modcropped to even sizes
        XCTAssertEqual(set.items[1].target.channels, 3)
        XCTAssertEqual(set.items[1].target.width, 30)
        XCTAssertEqual(set.items[0].input, try BicubicResize.resize(BicubicResize.modcrop(images[0], scale: 2), scale: 0.5))
        let sampler = try PatchSampler(images: set, config: config, degradation: DegradationSettings(), patchSize: 8,
                                       batchSize: 6, augment: false, seed: 7)
        let (input, target) = try sampler.batch(3)
        XCTAssertEqual(input.shape, [6, 3, 8, 8])
        XCTAssertEqual(target.shape, [6, 3, 16, 16])
        for b in 0..<6 {
            let lq = try Image8(tensor: try slice(input, b)), hq = try Image8(tensor: try slice(target, b))
            var found = false
            for item in set.items {
                let lr = item.input!
                for y in 0...(lr.height - 8) { for x in 0...(lr.width - 8) where try lr.cropped(top: y, left: x, height: 8, width: 8) == lq {
                    if try item.target.cropped(top: 2 * y, left: 2 * x, height: 16, width: 16) == hq { found = true }
                } }
            }
            XCTAssertTrue(found, "patch \(b) is an aligned crop of some image's input and target")
        }
    }

    /// Colour augmentation reorders the RGB channels of input and target alike: with the same
    /// seed, every patch is a channel permutation of the patch drawn without it (the order is
    /// drawn after position and dihedral transform), and several orders occur.
    func testColorAugmentPermutesChannelsOfInputAndTarget() throws {
        _ = try writeImages([(40, 34, 3), (38, 36, 3)], salt: 204)
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#)
        let set = try TrainingImages.load(paths: TrainingImages.imagePaths(folder), config: config,
                                          degradation: DegradationSettings(), minInputSide: 8)
        func sampler(_ color: Bool) throws -> PatchSampler {
            try PatchSampler(images: set, config: config, degradation: DegradationSettings(), patchSize: 8,
                             batchSize: 12, colorAugment: color, seed: 9)
        }
        let plain = try sampler(false).batch(2), colored = try sampler(true).batch(2)
        var orders = Set<Int>()
        for b in 0..<12 {
            let pairs = [(plain.input, colored.input), (plain.target, colored.target)]
            let matches = try (0..<ChannelPermutation.count).filter { p in
                try pairs.allSatisfy { a, c in
                    ChannelPermutation.apply(p, to: try Image8(tensor: try slice(a, b))) == (try Image8(tensor: try slice(c, b)))
                }
            }
            XCTAssertFalse(matches.isEmpty, "patch \(b) is a channel permutation of the unaugmented one")
            orders.formUnion(matches)
        }
        XCTAssertGreaterThan(orders.count, 2)
        let gray = try Image8(width: 2, height: 1, channels: 1, pixels: [3, 9])
        XCTAssertEqual(ChannelPermutation.apply(5, to: gray), gray)
        XCTAssertEqual(ChannelPermutation.apply(3, to: try Image8(width: 1, height: 1, channels: 3, pixels: [10, 20, 30])).pixels,
                       [20, 30, 10])
    }

    func slice(_ t: Tensor, _ b: Int) throws -> Tensor {
        let per = t.count / t.shape[0]
        return try Tensor(shape: [1] + t.shape.dropFirst(), data: Array(t.data[(b * per)..<((b + 1) * per)]))
    }

    func testSamplerIsSeededAndIndependentOfThreadsAndOrder() throws {
        _ = try writeImages([(60, 50, 3), (52, 64, 3), (70, 49, 3)], salt: 203)
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "task": "denoise", "blocks": 1, "features": 4}"#)
        var degradation = DegradationSettings()
        degradation.noiseSigma = 5...50
        let set = try TrainingImages.load(paths: TrainingImages.imagePaths(folder), config: config, degradation: degradation, minInputSide: 16)
        func sampler(_ seed: UInt64) throws -> PatchSampler {
            try PatchSampler(images: set, config: config, degradation: degradation, patchSize: 16, batchSize: 4, seed: seed)
        }
        let saved = Threads.count
        defer { try? Threads.set(saved) }
        try Threads.set(1)
        let one = try (0..<4).map { try sampler(11).batch(Int64($0)) }
        try Threads.set(2)
        let two = try (0..<4).reversed().map { try sampler(11).batch(Int64($0)) }.reversed()
        for (a, b) in zip(one, two) {
            XCTAssertEqual(a.input, b.input)
            XCTAssertEqual(a.target, b.target)
        }
        XCTAssertNotEqual(one[0].input, one[1].input, "batches differ from step to step")
        XCTAssertNotEqual(try sampler(12).batch(0).input, one[0].input, "the seed changes the batches")
        // denoising: the input is the target plus noise of sigma within the range (float convention)
        let noise = zip(one[2].input.data, one[2].target.data).map { Double($0 - $1) }
        let rms = (noise.reduce(0) { $0 + $1 * $1 } / Double(noise.count)).squareRoot()
        XCTAssertGreaterThan(rms, 5)
        XCTAssertLessThan(rms, 50)
    }

    func testSameResolutionTasksDegradeEachPatch() throws {
        _ = try writeImages([(40, 40, 3)], salt: 204)
        var rng = RandomGenerator(seed: 1)
        let jpeg = try ModelConfig.parse(#"{"backbone": "edsr", "task": "jpeg", "blocks": 1, "features": 4}"#)
        var d = DegradationSettings()
        d.jpegQuality = 10...10
        let jset = try TrainingImages.load(paths: [folder + "/a.png"], config: jpeg, degradation: d, minInputSide: 16)
        XCTAssertEqual(jset.items[0].target.channels, 1, "jpeg model is gray: rgb2gray at load")
        let jb = try PatchSampler(images: jset, config: jpeg, degradation: d, patchSize: 16, batchSize: 2, augment: false, seed: 3).batch(0)
        let clean = try Image8(tensor: slice(jb.target, 0))
        XCTAssertEqual(try Image8(tensor: slice(jb.input, 0)), try JPEGDegradation.roundTrip(clean, quality: 10))
        let mosaic = try ModelConfig.parse(#"{"backbone": "edsr", "task": "demosaic", "blocks": 1, "features": 4}"#)
        let mset = try TrainingImages.load(paths: [folder + "/a.png"], config: mosaic, degradation: d, minInputSide: 16)
        let mb = try PatchSampler(images: mset, config: mosaic, degradation: d, patchSize: 16, batchSize: 1, seed: 3).batch(5)
        XCTAssertEqual(try Image8(tensor: mb.input), try BayerMosaic.mosaic(Image8(tensor: mb.target)))
        _ = rng.next()
    }

    func testMemoryLimitAndTooSmallImagesAreClearErrors() throws {
        _ = try writeImages([(64, 64, 3), (64, 64, 3), (10, 10, 3)], salt: 205)
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#)
        let paths = try TrainingImages.imagePaths(folder)
        let set = try TrainingImages.load(paths: paths, config: config, degradation: DegradationSettings(), minInputSide: 12)
        XCTAssertEqual(set.items.count, 2)
        XCTAssertTrue(set.notes.contains { $0.contains("c.png") && $0.contains("skipped") }, "\(set.notes)")
        XCTAssertEqual(set.bytes, 2 * (64 * 64 * 3 + 32 * 32 * 3))
        NumericCheck.assertThrows(.outOfMemory) {
            try TrainingImages.load(paths: paths, config: config, degradation: DegradationSettings(), minInputSide: 12, memoryLimitBytes: 20000)
        }
        NumericCheck.assertThrows(.invalidArgument) {
            try TrainingImages.load(paths: paths, config: config, degradation: DegradationSettings(), minInputSide: 100)
        }
        NumericCheck.assertThrows(.io) { try TrainingImages.imagePaths(folder + "/missing") }
        NumericCheck.assertThrows(.invalidArgument) {
            try PatchSampler(images: set, config: config, degradation: DegradationSettings(), patchSize: 0, batchSize: 1, seed: 0)
        }
        NumericCheck.assertThrows(.invalidArgument) {
            try PatchSampler(images: set, config: config, degradation: DegradationSettings(), patchSize: 40, batchSize: 1, seed: 0)
        }
    }

    func testValidationScoresFollowTheConventions() throws {
        _ = try writeImages([(40, 36, 3)], salt: 206)
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#)
        let set = try TrainingImages.load(paths: [folder + "/a.png"], config: config, degradation: DegradationSettings(), minInputSide: 1)
        let val = try ValidationSet(images: set, config: config, degradation: DegradationSettings(), maxSide: 30)
        XCTAssertEqual(val.items[0].reference.width, 30)
        XCTAssertEqual(val.items[0].input.shape, [1, 3, 15, 15])
        XCTAssertEqual(val.channels, .y)
        XCTAssertEqual(val.shave, 2)
        // a "network" that returns the reference exactly scores infinity; one off by 1 scores 48.13 dB
        let exact = try val.evaluate { _ in try val.items[0].reference.toTensor() }
        XCTAssertEqual(exact.meanPSNR, .infinity)
        var shifted = try val.items[0].reference.toTensor()
        for i in shifted.data.indices { shifted.data[i] = shifted.data[i] < 128 ? shifted.data[i] + 1 : shifted.data[i] - 1 }
        let off = try val.evaluate { _ in shifted }
        let want = try ImageMetrics.psnr(Image8(tensor: shifted), val.items[0].reference, border: 2, channels: .y)
        XCTAssertEqual(off.meanPSNR, want, accuracy: 1e-12)
        XCTAssertLessThan(want, 60)
        XCTAssertLessThan(off.meanSSIM, 1)
        // the bicubic baseline is the MATLAB upscale of the (8-bit) input
        let bicubic = try BicubicResize.resize(Image8(tensor: val.items[0].input), scale: 2)
        XCTAssertEqual(try val.baseline()?.meanPSNR ?? 0,
                       try ImageMetrics.psnr(bicubic, val.items[0].reference, border: 2, channels: .y), accuracy: 1e-12)
    }
}
