import Acla
import FuzzSupport

// A safetensors checkpoint, as acla_model_load reads it: the header (every rule), each tensor's
// conversion to float32, the config in the metadata, and the strict load into a model, whose
// forward must then run.

private let maxParameters = 100_000
private let maxTensorBytes = 1 << 22

private let canary = Canary {
    let path = FuzzFile.write(good, suffix: ".canary.safetensors")
    let network = try Network.load(path: path)
    var rng = RandomGenerator(seed: 3)
    let x = try Tensor(shape: [1, 3, 4, 3], data: (0..<36).map { _ in Float(rng.uniform(0, 255)) })
    return fingerprint(try network.forward(x).data)
}

private let good = corpusFile("safetensors", "edsr_tiny.safetensors")

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzInitialize()
    canary.check()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = FuzzFile.write(data, size, suffix: ".safetensors")
    expectHandled {
        let reader = try SafetensorsReader(path: path)
        for entry in reader.entries where entry.end - entry.begin <= maxTensorBytes {
            expectHandled { _ = try reader.tensor(entry) }
        }
        let config = try Checkpoint.config(of: reader, override: nil)
        let count = BackboneLayout(config: config).parameterCount
            + AttentionFactory.parameterCount(config.attention, features: config.features, layers: config.layers)
        guard count <= maxParameters else { return }
        let network = try Network(config: config)
        try network.loadParameters(from: reader)
        let x = Tensor(shape: [1, config.channels, 3, 2], repeating: 100)
        _ = try network.forward(x)
    }
    canary.check()
    return 0
}
