import Acla
import FuzzSupport

// The model config JSON, as acla_model_create sees it (C text up to the first NUL, UTF-8): parse,
// canonical round trip, build, and a forward on a tiny input when the model is small.

private let maxParameters = 100_000

private func parameterCount(_ c: ModelConfig) -> Int {
    BackboneLayout(config: c).parameterCount + AttentionFactory.parameterCount(c.attention, features: c.features, layers: c.layers)
}

private func run(_ config: ModelConfig, height: Int, width: Int) throws -> Tensor {
    let network = try Network(config: config)
    var rng = RandomGenerator(seed: 7)
    let shape = [1, config.channels, height, width]
    let x = try Tensor(shape: shape, data: (0..<(shape.reduce(1, *))).map { _ in Float(rng.uniform(0, 255)) })
    try network.validateInput(shape: shape)
    return try network.forward(x)
}

private let canary = Canary {
    let c = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "attention": {"kind": "acla", "positions": [1, 2], "keys": 2}, "seed": 5}"#)
    return fingerprint(try run(c, height: 5, width: 4).data)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzInitialize()
    canary.check()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = UnsafeBufferPointer(start: data, count: size).prefix { $0 != 0 }
    expectHandled {
        guard let json = String(validating: text, as: UTF8.self) else { return }
        let config = try ModelConfig.parse(json)
        // the canonical form is what checkpoints store: it must parse back to the same config
        let again: ModelConfig
        do { again = try ModelConfig.parse(config.json) } catch { fatal("canonical config does not parse: \(config.json): \(error)") }
        if again != config { fatal("canonical round trip changed the config: \(config.json)") }
        guard parameterCount(config) <= maxParameters else { return }
        _ = try run(config, height: 3, width: 2)
    }
    canary.check()
    return 0
}
