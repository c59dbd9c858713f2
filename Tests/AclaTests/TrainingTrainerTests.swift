import Foundation
import XCTest
@testable import Acla

/// The trainer end to end: learning, failure atomicity, checkpoints that resume bit for bit, and
/// seeded randomness that does not depend on the thread count.
final class TrainingTrainerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "acla-trainer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Smooth random images (sums of a few sinusoids), so the tiny models have something to learn.
    static func smoothImage(_ w: Int, _ h: Int, _ rng: inout RandomGenerator) throws -> Image8 {
        let waves = (0..<4).map { _ in (rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4), rng.uniform(0, 6), rng.uniform(20, 50)) }
        var px = [UInt8]()
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            var v = 128.0
            for (i, wv) in waves.enumerated() { v += wv.3 * Foundation.sin(wv.0 * Double(x) + wv.1 * Double(y) + wv.2 + Double(c * i)) }
            px.append(Quantize.sample(v))
        } } }
        return try Image8(width: w, height: h, channels: 3, pixels: px)
    }

    func images(_ count: Int, salt: UInt64, config: ModelConfig) throws -> TrainingImages {
        var rng = TestSeed.generator(salt)
        var paths: [String] = []
        for i in 0..<count {
            let p = folder + "/img\(salt)_\(i).png"
            try ImageFile.write(Self.smoothImage(36 + 4 * i, 32, &rng), to: p)
            paths.append(p)
        }
        return try TrainingImages.load(paths: paths, config: config, degradation: DegradationSettings(), minInputSide: 8)
    }

    static let tinyACLA = try! ModelConfig.parse("""
        {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
         "attention": {"kind": "acla", "positions": [1, 2], "keys": 4}, "seed": 5}
        """)

    func testOverfittingOneBatchLowersTheLossTenfold() throws {
        let config = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 16, "seed": 1}"#)
        let set = try images(1, salt: 401, config: config)
        let sampler = try PatchSampler(images: set, config: config, degradation: DegradationSettings(), patchSize: 8,
                                       batchSize: 2, augment: false, seed: 9)
        let batch = try sampler.batch(0)
        var options = TrainerOptions()
        options.loss = .mse
        options.optimizer.learningRate = 2e-3
        let trainer = try Trainer(network: try Network(config: config), options: options)
        let first = try trainer.step(input: batch.input, target: batch.target).loss
        var last = first
        for _ in 0..<299 { last = try trainer.step(input: batch.input, target: batch.target).loss }
        XCTAssertEqual(trainer.step, 300)
        XCTAssertLessThan(last, first / 10, "loss \(first) -> \(last)")
    }

    func testAFailedStepLeavesEverythingUnchanged() throws {
        let network = try Network(config: Self.tinyACLA)
        let trainer = try Trainer(network: network, options: TrainerOptions())
        var rng = TestSeed.generator(402)
        let x = AttentionTesting.randomTensor([1, 3, 6, 6], &rng, scale: 100)
        let y = AttentionTesting.randomTensor([1, 3, 12, 12], &rng, scale: 100)
        try trainer.step(input: x, target: y)
        let before = trainer.adapter.values()
        let moments = trainer.weights.expAvg
        NumericCheck.assertThrows(.shape) { try trainer.step(input: x, target: AttentionTesting.randomTensor([1, 3, 6, 6], &rng)) }
        var bad = x
        bad.data[7] = .nan
        NumericCheck.assertThrows(.invalidArgument) { try trainer.step(input: bad, target: y) }
        var huge = x
        huge.data[3] = 3e38
        NumericCheck.assertThrows(.state) { try trainer.step(input: huge, target: y) }   // the loss overflows
        NumericCheck.assertThrows(.state) { try trainer.alphaStep(input: x, target: y) }   // not a supernet
        XCTAssertEqual(trainer.adapter.values(), before)
        XCTAssertEqual(trainer.weights.expAvg, moments)
        XCTAssertEqual(trainer.step, 1)
        XCTAssertEqual(trainer.weights.step, 1)
    }

    /// Steps 1..2N in one go versus N steps, a checkpoint, a fresh trainer resumed from it and N more.
    func assertResumeIsBitIdentical(config: ModelConfig, options: TrainerOptions, n: Int64, withValidation: Bool,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let train = try images(2, salt: 403, config: config)
        let val = try images(1, salt: 404, config: config)
        func run(_ steps: Int64, path: String, resume: String? = nil) throws -> TrainingRun {
            var s = TrainingRun.Settings(checkpointPath: path)
            (s.steps, s.patchSize, s.batchSize, s.validateEvery, s.saveEvery) = (steps, 8, 3, 2, 1000)
            let trainer = try Trainer(network: try Network(config: config), options: options)
            let r = try TrainingRun(trainer: trainer, training: train, validationImages: withValidation ? val : nil, settings: s)
            if let resume { try r.resume(from: resume) }
            try r.run()
            return r
        }
        let whole = try run(2 * n, path: folder + "/whole.safetensors")
        _ = try run(n, path: folder + "/half.safetensors")
        let resumed = try run(2 * n, path: folder + "/resumed.safetensors", resume: folder + "/half.safetensors")
        XCTAssertEqual(resumed.trainer.step, 2 * n, file: file, line: line)
        XCTAssertEqual(resumed.trainer.adapter.values(), whole.trainer.adapter.values(), "every parameter, bit for bit", file: file, line: line)
        XCTAssertEqual(resumed.trainer.weights.expAvg, whole.trainer.weights.expAvg, file: file, line: line)
        XCTAssertEqual(resumed.trainer.weights.expAvgSq, whole.trainer.weights.expAvgSq, file: file, line: line)
        XCTAssertEqual(resumed.trainer.alphaStep, whole.trainer.alphaStep, file: file, line: line)
        XCTAssertEqual(resumed.bestPSNR, whole.bestPSNR, file: file, line: line)
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/resumed.safetensors"))
        XCTAssertEqual(a, b, "the two final checkpoints are the same bytes", file: file, line: line)
    }

    func testResumeEqualsTheUninterruptedRunBitForBit() throws {
        var options = TrainerOptions()
        options.optimizer.learningRate = 1e-3
        options.schedule = LearningRateSchedule(kind: .cosine(tMax: 8, etaMin: 1e-5), warmupSteps: 2)
        options.clipGradNorm = 50
        options.seed = 77
        try assertResumeIsBitIdentical(config: Self.tinyACLA, options: options, n: 3, withValidation: true)
    }

    func testResumeOfASearchEqualsTheUninterruptedSearch() throws {
        let config = try ModelConfig.parse("""
            {"backbone": "edsr", "scale": 2, "blocks": 3, "features": 6,
             "attention": {"kind": "acla", "positions": "all", "keys": 2}, "seed": 6}
            """)
        var options = TrainerOptions()
        options.costLambda = 0.2
        options.searchWarmupSteps = 2
        options.searchSteps = 4
        options.alphaOptimizer.learningRate = 1e-2
        options.seed = 3
        try assertResumeIsBitIdentical(config: config, options: options, n: 3, withValidation: true)
    }

    func testCheckpointsRefuseAnotherModelOrDataAndLoadAsModels() throws {
        let train = try images(2, salt: 405, config: Self.tinyACLA)
        var s = TrainingRun.Settings(checkpointPath: folder + "/a.safetensors")
        (s.steps, s.patchSize, s.batchSize) = (2, 8, 2)
        let trainer = try Trainer(network: try Network(config: Self.tinyACLA), options: TrainerOptions())
        try TrainingRun(trainer: trainer, training: train, validationImages: nil, settings: s).run()
        let model = try Trainer.loadModel(path: folder + "/a.safetensors")
        XCTAssertEqual(model.config, Self.tinyACLA)
        XCTAssertEqual(try NetworkTrainingAdapter(model).values(), trainer.adapter.values())
        var other = Self.tinyACLA
        other.features = 6
        let wrong = try Trainer(network: try Network(config: other), options: TrainerOptions())
        NumericCheck.assertThrows(.invalidArgument) { try wrong.resume(from: self.folder + "/a.safetensors") }
        s.patchSize = 10
        let differentPatch = try TrainingRun(trainer: try Trainer(network: try Network(config: Self.tinyACLA), options: TrainerOptions()),
                                             training: train, validationImages: nil, settings: s)
        NumericCheck.assertThrows(.invalidArgument) { try differentPatch.resume(from: self.folder + "/a.safetensors") }
        try Network(config: Self.tinyACLA).save(to: folder + "/plain.safetensors")
        NumericCheck.assertThrows(.format) { try trainer.resume(from: self.folder + "/plain.safetensors") }
        NumericCheck.assertThrows(.io) { try trainer.resume(from: self.folder + "/missing.safetensors") }
    }

    /// An interrupt inside a step leaves that step undone and saves the checkpoint of the last one.
    func testAnInterruptInsideAStepSavesTheLastCompleteStep() throws {
        let train = try images(2, salt: 407, config: Self.tinyACLA)
        var s = TrainingRun.Settings(checkpointPath: folder + "/i.safetensors")
        (s.steps, s.patchSize, s.batchSize) = (10, 8, 2)
        let trainer = try Trainer(network: try Network(config: Self.tinyACLA), options: TrainerOptions())
        let run = try TrainingRun(trainer: trainer, training: train, validationImages: nil, settings: s)
        var checks = 0, afterTwo: [Float] = []
        NumericCheck.assertThrows(.cancelled) {
            try run.run(interrupt: {
                checks += 1
                return checks > 7   // 3 checks per pass (2 blocks + 1): inside step 3
            }) { p in
                if p.step == 2 { afterTwo = trainer.adapter.values() }
                return true
            }
        }
        XCTAssertEqual(trainer.step, 2)
        XCTAssertEqual(trainer.adapter.values(), afterTwo, "the interrupted step changed nothing")
        let resumed = try Trainer(network: try Network(config: Self.tinyACLA), options: TrainerOptions())
        try resumed.resume(from: folder + "/i.safetensors")
        XCTAssertEqual(resumed.step, 2)
        XCTAssertEqual(resumed.adapter.values(), afterTwo)
    }

    /// The same step on 1 and 2 threads: same Gumbel noise and batches, so the same result.
    func testStepsDoNotDependOnTheThreadCount() throws {
        let train = try images(2, salt: 406, config: Self.tinyACLA)
        let saved = Threads.count
        defer { try? Threads.set(saved) }
        var results: [[Float]] = []
        for threads: Int32 in [1, 2] {
            try Threads.set(threads)
            let trainer = try Trainer(network: try Network(config: Self.tinyACLA), options: TrainerOptions())
            let sampler = try PatchSampler(images: train, config: Self.tinyACLA, degradation: DegradationSettings(), patchSize: 8,
                                           batchSize: 2, seed: 1)
            for k in 0..<3 {
                let b = try sampler.batch(Int64(k))
                try trainer.step(input: b.input, target: b.target)
            }
            results.append(trainer.adapter.values())
        }
        let diff = zip(results[0], results[1]).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(diff, 1e-5, "parameters after 3 steps on 1 vs 2 threads")
    }
}
