import Acla
import FuzzSupport

// .npy arrays as the CLI and the evaluation read them: the tensor reader under a byte limit,
// then the image reader (shape checked before the data is read).

private let good = corpusFile("npy", "f32_2x3x4.npy")
private let canary = Canary {
    let path = FuzzFile.write(good, suffix: ".canary.npy")
    return fingerprint(try NpyFile.read(path, maxBytes: 1 << 20).data)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    fuzzInitialize()
    canary.check()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = FuzzFile.write(data, size, suffix: ".npy")
    expectHandled {
        let t = try NpyFile.read(path, maxBytes: 1 << 22)
        if t.count != t.shape.reduce(1, *) { fatal("tensor of shape \(t.shape) holds \(t.count) values") }
    }
    expectHandled { _ = try NpyFile.readImage(path) }
    canary.check()
    return 0
}
