import XCTest
@testable import Acla

final class TrainingOptionsTests: XCTestCase {
    func testDefaultsAreThePapersRecipe() throws {
        let o = try TrainerOptions.parse("{}")
        XCTAssertEqual(o.optimizer, AdamSettings(learningRate: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0))
        XCTAssertEqual(o.loss, .l1)
        XCTAssertNil(o.clipGradNorm)
        XCTAssertEqual(o.schedule, LearningRateSchedule())
    }

    func testFullOptionsParseAndRoundTrip() throws {
        let json = """
        {"optimizer": {"kind": "adam", "lr": 2e-4, "betas": [0.8, 0.99], "eps": 1e-7, "weight_decay": 1e-5},
         "loss": "mse", "clip_grad_norm": 10, "seed": 42, "key_temperature": 0.5,
         "schedule": {"kind": "halving", "milestones": [100, 200], "warmup_steps": 10},
         "cost_lambda": 0.15, "alpha_optimizer": {"lr": 3e-4, "betas": [0.5, 0.999], "weight_decay": 1e-3},
         "alpha_schedule": {"kind": "cosine", "t_max": 500, "eta_min": 1e-6},
         "search": {"warmup_steps": 1000, "search_steps": 500}, "layer_temperature": {"start": 4, "end": 0.25}}
        """
        let o = try TrainerOptions.parse(json)
        XCTAssertEqual(o.optimizer.learningRate, 2e-4)
        XCTAssertEqual(o.optimizer.beta1, 0.8)
        XCTAssertEqual(o.loss, .mse)
        XCTAssertEqual(o.clipGradNorm, 10)
        XCTAssertEqual(o.seed, 42)
        XCTAssertEqual(o.schedule, LearningRateSchedule(kind: .halving(every: nil, milestones: [100, 200]), warmupSteps: 10))
        XCTAssertEqual(o.alphaSchedule.kind, .cosine(tMax: 500, etaMin: 1e-6))
        XCTAssertEqual(o.alphaOptimizer.weightDecay, 1e-3)
        XCTAssertEqual(o.searchWarmupSteps, 1000)
        XCTAssertEqual(o.layerTemperatureEnd, 0.25)
        XCTAssertEqual(try TrainerOptions.parse(o.json), o, "canonical JSON parses back to the same options")
        XCTAssertEqual(o.searchStage(step: 999), 1)
        XCTAssertEqual(o.searchStage(step: 1000), 2)
        XCTAssertEqual(o.layerTemperature(step: 0), 4)
        XCTAssertEqual(o.layerTemperature(step: 1250), 1, accuracy: 1e-12, "halfway: geometric mean of 4 and 0.25")
        XCTAssertEqual(o.layerTemperature(step: 99999), 0.25, accuracy: 1e-15)
    }

    func testErrorsNameTheKey() {
        let cases: [(String, String)] = [
            (#"{"optimiser": {}}"#, "\"optimiser\""),
            (#"{"optimizer": {"lr": 1e-4, "momentum": 0.9}}"#, "\"optimizer.momentum\""),
            (#"{"optimizer": {"kind": "sgd"}}"#, "\"optimizer.kind\""),
            (#"{"optimizer": {"betas": [0.9]}}"#, "\"optimizer.betas\""),
            (#"{"optimizer": {"lr": "fast"}}"#, "\"optimizer.lr\""),
            (#"{"optimizer": {"betas": [1.0, 0.9]}}"#, "betas[0]"),
            (#"{"loss": "l2"}"#, "\"loss\""),
            (#"{"clip_grad_norm": -1}"#, "clip_grad_norm"),
            (#"{"schedule": {"kind": "cosine"}}"#, "t_max"),
            (#"{"schedule": {"kind": "step", "step_size": 5, "t_max": 3}}"#, "\"schedule.t_max\""),
            (#"{"schedule": {"kind": "linear"}}"#, "\"schedule.kind\""),
            (#"{"search": {"warmup": 3}}"#, "\"search.warmup\""),
            (#"{"seed": -1}"#, "\"seed\""),
            (#"{"cost_lambda": true}"#, "\"cost_lambda\""),
            (#"[]"#, "JSON object"),
        ]
        for (json, needle) in cases {
            do {
                _ = try TrainerOptions.parse(json)
                XCTFail("\(json) was accepted")
            } catch let e as AclaError {
                XCTAssertEqual(e.status, .invalidArgument, json)
                XCTAssertTrue(e.message.contains(needle), "\(json): message \"\(e.message)\" does not name \(needle)")
            } catch { XCTFail("\(error)") }
        }
        NumericCheck.assertThrows(.format) { try TrainerOptions.parse("{\"loss\": ") }
    }
}
