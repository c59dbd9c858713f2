import Acla
import FuzzSupport

// The trainer's options JSON, as acla_trainer_create and `acla train --options` read it: parse,
// the canonical round trip, then a trainer on a tiny model and one step (the optimiser, the
// schedule and the clipping run with the fuzzed values).

private let config = #"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 2, "seed": 3}"#

private func step(_ options: TrainerOptions) throws -> [Float] {
    let network = try Network(config: ModelConfig.parse(config))
    let trainer = try Trainer(network: network, options: options)
    var rng = RandomGenerator(seed: 9)
    let x = try Tensor(shape: [1, 3, 4, 3], data: (0..<36).map { _ in Float(rng.uniform(0, 255)) })
    let y = try Tensor(shape: [1, 3, 8, 6], data: (0..<144).map { _ in Float(rng.uniform(0, 255)) })
    let result = try trainer.step(input: x, target: y)
    return [Float(result.loss)] + Array(network.parameters.parameters[4].variable.value.data)
}

private let canary = Canary {
    fingerprint(try step(TrainerOptions.parse(#"{"optimizer": {"lr": 0.001}, "clip_grad_norm": 1.0, "schedule": {"kind": "cosine", "t_max": 10}}"#)))
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzInitialize()
    canary.check()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrainer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = UnsafeBufferPointer(start: data, count: size).prefix { $0 != 0 }
    expectHandled {
        guard let json = String(validating: text, as: UTF8.self) else { return }
        let options = try TrainerOptions.parse(json)
        let again: TrainerOptions
        do { again = try TrainerOptions.parse(options.json) } catch { fatal("canonical options do not parse: \(options.json): \(error)") }
        if again != options { fatal("canonical round trip changed the options: \(options.json)") }
        _ = try step(options)
    }
    canary.check()
    return 0
}
