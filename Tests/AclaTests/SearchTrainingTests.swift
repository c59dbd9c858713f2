import Foundation
import XCTest
@testable import Acla

/// The insert-position search on a tiny supernet: lambda decides what is kept, and the derived
/// network computes what the supernet computes at evaluation.
final class SearchTrainingTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "acla-search-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    static let supernet = try! ModelConfig.parse("""
        {"backbone": "edsr", "scale": 2, "blocks": 3, "features": 6,
         "attention": {"kind": "acla", "positions": "all", "keys": 2}, "seed": 8}
        """)

    func search(lambda: Double, alphaRate: Double, salt: UInt64) throws -> (Trainer, Network, SearchReport) {
        var rng = TestSeed.generator(salt)
        var paths: [String] = []
        for i in 0..<3 {
            let p = folder + "/\(i).png"
            try ImageFile.write(TrainingTrainerTests.smoothImage(32, 30, &rng), to: p)
            paths.append(p)
        }
        let d = DegradationSettings()
        let train = try TrainingImages.load(paths: Array(paths.prefix(2)), config: Self.supernet, degradation: d, minInputSide: 8)
        let val = try TrainingImages.load(paths: [paths[2]], config: Self.supernet, degradation: d, minInputSide: 8)
        var base = TrainerOptions()
        base.alphaOptimizer.learningRate = alphaRate
        base.seed = salt
        let options = try ArchitectureSearch.options(base: base, lambda: lambda, warmupSteps: 3, searchSteps: 25)
        let trainer = try Trainer(network: try Network(config: Self.supernet), options: options)
        var s = TrainingRun.Settings(checkpointPath: folder + "/supernet.safetensors")
        (s.steps, s.patchSize, s.batchSize, s.keepBest, s.validateEvery) = (28, 8, 2, false, 1000)
        let run = try TrainingRun(trainer: trainer, training: train, validationImages: val, settings: s)
        try run.run()
        XCTAssertEqual(trainer.alphaStep, 25, "one alpha step after every stage-2 weight step")
        let (derived, report) = try ArchitectureSearch.finish(trainer: trainer, validation: run.validation,
                                                              derivedPath: folder + "/derived.safetensors", referenceSize: 8)
        return (trainer, derived, report)
    }

    func testAVeryLargeLambdaDropsEveryModule() throws {
        let (trainer, derived, report) = try search(lambda: 1000, alphaRate: 0.5, salt: 501)
        XCTAssertTrue(trainer.adapter.alpha!.allSatisfy { $0 < 0 }, "alpha \(trainer.adapter.alpha!)")
        XCTAssertEqual(report.positions, [])
        XCTAssertEqual(derived.config.attention.kind, .none)
        XCTAssertEqual(report.derivedMACs, report.backboneMACs)
        XCTAssertLessThan(report.derivedMACs, report.supernetMACs)
    }

    func testLambdaZeroWithAlphaAtThreeKeepsEveryModuleAndTheDerivedModelComputesTheSame() throws {
        let (trainer, derived, report) = try search(lambda: 0, alphaRate: 1e-4, salt: 502)
        XCTAssertEqual(report.positions, [1, 2, 3])
        XCTAssertTrue(report.layers.allSatisfy { $0.kept && $0.alpha > 2.9 })
        XCTAssertEqual(derived.config.attention.positions, .list([1, 2, 3]))
        XCTAssertEqual(report.openKeyFraction.keys.sorted(), [1, 2, 3])
        // the derived checkpoint is a normal model that loads by itself
        let loaded = try Network.load(path: folder + "/derived.safetensors")
        var rng = TestSeed.generator(503)
        let x = AttentionTesting.randomTensor([2, 3, 9, 7], &rng, scale: 120)
        let want = try trainer.network.forward(x)
        let got = try loaded.forward(x)
        XCTAssertEqual(got.shape, want.shape)
        XCTAssertLessThan(Double(got.maxAbsDifference(want)), 1e-3, "derived vs supernet evaluation output")
        XCTAssertTrue(report.table.contains("positions: 1, 2, 3"))
        guard case .object(let o) = try JSONParser.parse(report.json) else { return XCTFail("report JSON") }
        XCTAssertEqual(o["positions"], .array([.integer(1), .integer(2), .integer(3)]))
    }

    /// Part of the supernet kept: the derived network (re-sized offset/logit rows) still equals the
    /// supernet's evaluation output.
    func testAPartialDerivationComputesTheSupernetsEvaluation() throws {
        let network = try Network(config: Self.supernet)
        var rng = TestSeed.generator(504)
        try AttentionTesting.randomize(network.parameters, &rng) { $0.hasSuffix("offset.bias") ? 1.5 : 0.4 }
        try network.parameters["search.alpha"]!.assign(Tensor(shape: [3], data: [0.7, -0.4, 2]))
        let derived = try network.derivedNetwork()
        XCTAssertEqual(derived.config.attention.positions, .list([1, 3]))
        let x = AttentionTesting.randomTensor([1, 3, 8, 9], &rng, scale: 120)
        XCTAssertLessThan(Double(try derived.forward(x).maxAbsDifference(try network.forward(x))), 1e-3)
    }
}
