import XCTest
@testable import Acla

/// Forward passes of tiny EDSR/RCAN configs against the float64 reference in ModelReference.swift.
final class ModelForwardTests: XCTestCase {
    /// Fresh random values for every parameter (MeanShift included, so nothing is an identity).
    func randomise(_ net: Network, seed: UInt64) throws {
        var rng = RandomGenerator(seed: seed)
        for (_, v) in net.parameters.parameters {
            try v.assign(v.value.map { _ in Float(rng.uniform(-0.5, 0.5)) })
        }
    }

    func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        var t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = Float(rng.uniform(0, 255)) }
        return t
    }

    func check(_ json: String, height: Int = 6, width: Int = 5, batch: Int = 2,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let config = try ModelConfig.parse(json)
        let net = try Network(config: config)
        try randomise(net, seed: 11)
        let input = randomInput([batch, config.channels, height, width], seed: 5)
        let out = try net.forward(input)
        let (oc, oh, ow) = try net.outputSize(height: height, width: width)
        XCTAssertEqual(out.shape, [batch, oc, oh, ow], file: file, line: line)
        let ref = ModelReference(net)
        let plane = config.channels * height * width
        var worst = 0.0, scaleOf = 1.0
        for b in 0..<batch {
            var m = RefMap(c: config.channels, h: height, w: width)
            m.v = input.data[(b * plane)..<((b + 1) * plane)].map(Double.init)
            let expected = ref.forward(config, m)
            let outPlane = oc * oh * ow
            for i in 0..<outPlane {
                worst = max(worst, abs(Double(out.data[b * outPlane + i]) - expected.v[i]))
                scaleOf = max(scaleOf, abs(expected.v[i]))
            }
        }
        XCTAssertLessThan(worst / scaleOf, 2e-5, "relative error against the float64 reference", file: file, line: line)
    }

    func testEDSRx2() throws {
        try check(#"{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "res_scale": 0.5}"#)
    }

    func testEDSRx3() throws {
        try check(#"{"backbone": "edsr", "scale": 3, "blocks": 2, "features": 4}"#, batch: 1)
    }

    func testEDSRx4() throws {
        try check(#"{"backbone": "edsr", "scale": 4, "blocks": 1, "features": 4}"#, height: 3, width: 4, batch: 1)
    }

    func testRCANx2() throws {
        try check(#"{"backbone": "rcan", "scale": 2, "groups": 2, "blocks": 2, "features": 4, "reduction": 2}"#)
    }

    func testSameResolutionGray() throws {
        try check(#"{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 2, "features": 4}"#)
    }

    func testSameResolutionColourRCAN() throws {
        try check(#"{"backbone": "rcan", "task": "demosaic", "groups": 1, "blocks": 2, "features": 4, "reduction": 4}"#, batch: 1)
    }

    /// Same-resolution names per CONVENTIONS: no MeanShift, `tail.0.*`, no upsampler.
    func testSameResolutionNames() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "task": "jpeg", "blocks": 2, "features": 4}"#))
        XCTAssertEqual(net.parameters.names, [
            "head.0.weight", "head.0.bias",
            "body.0.body.0.weight", "body.0.body.0.bias", "body.0.body.2.weight", "body.0.body.2.bias",
            "body.1.body.0.weight", "body.1.body.0.bias", "body.1.body.2.weight", "body.1.body.2.bias",
            "body.2.weight", "body.2.bias", "tail.0.weight", "tail.0.bias",
        ])
        XCTAssertEqual(net.parameters["head.0.weight"]?.shape, [4, 1, 3, 3])
        XCTAssertEqual(net.parameters["tail.0.weight"]?.shape, [1, 4, 3, 3])
    }

    func testSuperResolutionNamesAndMeanShift() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 4, "blocks": 1, "features": 4}"#))
        XCTAssertEqual(Array(net.parameters.names.prefix(6)),
                       ["sub_mean.weight", "sub_mean.bias", "add_mean.weight", "add_mean.bias", "head.0.weight", "head.0.bias"])
        XCTAssertEqual(Array(net.parameters.names.suffix(6)),
                       ["tail.0.0.weight", "tail.0.0.bias", "tail.0.2.weight", "tail.0.2.bias", "tail.1.weight", "tail.1.bias"])
        XCTAssertEqual(net.parameters["tail.0.0.weight"]?.shape, [16, 4, 3, 3])
        let sub = net.parameters["sub_mean.bias"]!.value.data
        XCTAssertEqual(Double(sub[0]), -255 * 0.4488, accuracy: 1e-4)
        XCTAssertEqual(Double(net.parameters["add_mean.bias"]!.value.data[2]), 255 * 0.4040, accuracy: 1e-4)
        XCTAssertEqual(net.parameters["sub_mean.weight"]!.value.data, [1, 0, 0, 0, 1, 0, 0, 0, 1])
    }

    func testRCANNames() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "rcan", "scale": 3, "groups": 2, "blocks": 1, "features": 8, "reduction": 4}"#))
        for name in ["body.0.body.0.body.0.weight", "body.0.body.0.body.2.bias", "body.1.body.0.body.3.conv_du.0.weight",
                     "body.1.body.0.body.3.conv_du.2.bias", "body.0.body.1.weight", "body.2.weight", "tail.0.0.weight"] {
            XCTAssertNotNil(net.parameters[name], name)
        }
        XCTAssertEqual(net.parameters["body.1.body.0.body.3.conv_du.0.weight"]?.shape, [2, 8, 1, 1])
        XCTAssertEqual(net.parameters["tail.0.0.weight"]?.shape, [72, 8, 3, 3])
    }

    func testSameSeedSameWeightsDifferentSeedDifferent() throws {
        let a = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 3}"#))
        let b = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 3}"#))
        let c = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 4}"#))
        for name in a.parameters.names {
            XCTAssertEqual(a.parameters[name]!.value, b.parameters[name]!.value)
        }
        XCTAssertNotEqual(a.parameters["head.0.weight"]!.value, c.parameters["head.0.weight"]!.value)
        // PyTorch default bound 1/sqrt(fan_in): head.0 has fan_in 27
        let bound = Float(1 / 27.0.squareRoot())
        XCTAssertTrue(a.parameters["head.0.weight"]!.value.data.allSatisfy { abs($0) <= bound })
    }

    func testInputValidation() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#))
        XCTAssertThrowsError(try net.forward(Tensor(zeros: [1, 1, 4, 4]))) { e in
            XCTAssertEqual((e as? AclaError)?.status, .shape)
        }
        XCTAssertThrowsError(try net.forward(Tensor(zeros: [3, 4, 4]))) { e in
            XCTAssertEqual((e as? AclaError)?.status, .shape)
        }
        XCTAssertThrowsError(try net.validateInput(shape: [1 << 20, 3, 1 << 20, 1 << 20])) { e in
            XCTAssertEqual((e as? AclaError)?.status, .outOfMemory)
        }
    }

    /// The tape through a whole network: the gradient of a parameter matches central differences.
    func testBackwardThroughNetwork() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "rcan", "scale": 2, "groups": 1, "blocks": 1, "features": 4, "reduction": 2}"#))
        try randomise(net, seed: 2)
        let input = try randomInput([1, 3, 3, 3], seed: 9).map { $0 / 255 }
        func loss() throws -> Double { try net.forward(input).sum() }
        let y = try net.forward(Variable(input), pass: ForwardPass())
        try y.backward()
        for name in ["body.0.body.0.body.3.conv_du.0.weight", "head.0.bias", "tail.0.0.weight"] {
            let p = net.parameters[name]!
            let g = p.grad!
            for i in [0, p.value.count - 1] {
                let original = p.value
                var plus = original; plus.data[i] += 1e-2
                var minus = original; minus.data[i] -= 1e-2
                try p.assign(plus); let lp = try loss()
                try p.assign(minus); let lm = try loss()
                try p.assign(original)
                let numeric = (lp - lm) / 2e-2
                XCTAssertEqual(Double(g.data[i]), numeric, accuracy: 2e-2 * max(1, abs(numeric)), name)
            }
        }
    }
}
