import XCTest
@testable import Acla

/// The dihedral transforms, and the self-ensemble of a model that is equivariant by construction.
final class RestoreEnsembleTests: XCTestCase {
    /// out[i][j] of an h x w plane under each transform, written out case by case.
    func reference(_ t: DihedralTransform, _ x: [[Float]]) -> [[Float]] {
        var y = x
        if t.flipX { y = y.map { $0.reversed() } }
        if t.flipY { y = y.reversed() }
        if t.transpose { y = (0..<y[0].count).map { j in y.map { $0[j] } } }
        return y
    }

    func testTransformsMatchFlipsAndTransposeAndInvert() throws {
        var rng = TestSeed.generator(71)
        let (c, h, w) = (2, 3, 5)
        let x = rng.tensor([1, c, h, w])
        var seen: [[Float]] = []
        for t in DihedralTransform.all {
            let y = try t.apply(x)
            XCTAssertEqual(y.shape, t.transpose ? [1, c, w, h] : [1, c, h, w])
            for ch in 0..<c {
                let plane = (0..<h).map { i in (0..<w).map { x.data[ch * h * w + i * w + $0] } }
                XCTAssertEqual(Array(y.data[(ch * h * w)..<((ch + 1) * h * w)]), reference(t, plane).flatMap { $0 }, "\(t)")
            }
            XCTAssertEqual(try t.inverse.apply(y), x, "inverse of \(t)")
            seen.append(Array(y.data))
        }
        XCTAssertEqual(Set(seen.map { $0.map(\.bitPattern) }).count, 8, "the 8 transforms differ on a random input")
    }

    /// Makes every 3x3 kernel invariant under the 8 symmetries (the average of its transforms),
    /// so convolution commutes with flips and transposition; 1x1 convs already do.
    func symmetrise(_ net: Network) throws {
        for (_, v) in net.parameters.parameters where v.shape.count == 4 && v.shape[2] == 3 {
            var sum = Tensor(zeros: v.shape)
            for t in DihedralTransform.all {
                let k = try t.apply(v.value)
                for i in 0..<sum.count { sum.data[i] += k.data[i] / 8 }
            }
            try v.assign(sum)
        }
    }

    func testEnsembleOfAnEquivariantModelEqualsThePlainOutput() throws {
        // CLA with its initial ring of keys (the 8 neighbours: a D4-invariant set) and uniform
        // weights, random value/out projections, symmetric 3x3 kernels: equivariant by construction
        let net = try RestoreTestModels.network(#"""
            {"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 2, "features": 6,
             "attention": {"kind": "cla", "positions": [1, 2], "keys": 8}}
            """#)
        try RestoreTestModels.randomise(net, seed: 72, scale: 0.3)
        var rng = TestSeed.generator(73)
        for (name, v) in net.parameters.parameters where name.hasPrefix("attention.") {
            if name.hasSuffix("offset.weight") || name.hasSuffix("logits.weight") || name.hasSuffix("logits.bias") {
                try v.assign(Tensor(zeros: v.shape))
            } else if name.hasSuffix("offset.bias") {
                try v.assign(RingPattern.offsetBias(sources: v.shape[0] / 16, keys: 8))
            } else {
                try v.assign(v.value.map { _ in Float(rng.uniform(-0.3, 0.3)) })
            }
        }
        try symmetrise(net)
        let x = rng.tensor([1, 3, 13, 10], 0, 255)
        let plain = try TileForward(network: net, ensemble: false) {}(x)
        var passes = 0
        let ensemble = try TileForward(network: net, ensemble: true) { passes += 1 }(x)
        XCTAssertEqual(passes, 8)
        XCTAssertGreaterThan(plain.maxAbsDifference(x), 1, "the model does something")
        XCTAssertLessThan(ensemble.maxAbsDifference(plain), 1e-3, TestSeed.note)
        // through the image pipeline: identical after rounding but for rare float ties
        let image = try Image8(width: 10, height: 13, channels: 3, pixels: RestoreTestModels.randomPixels(390, seed: 74))
        let restorer = Restorer(network: net)
        let a = try restorer.restore(image, options: RestoreOptions(tile: 0)).image
        let b = try restorer.restore(image, options: RestoreOptions(tile: 0, ensemble: true)).image
        XCTAssertLessThanOrEqual(RestoreTestModels.maxDifference(a.pixels, b.pixels), 1)

        // the same check fails for a model that is not equivariant
        try RestoreTestModels.randomise(net, seed: 75, scale: 0.3)
        let plain2 = try TileForward(network: net, ensemble: false) {}(x)
        let ensemble2 = try TileForward(network: net, ensemble: true) {}(x)
        XCTAssertGreaterThan(ensemble2.maxAbsDifference(plain2), 0.5)
    }
}
