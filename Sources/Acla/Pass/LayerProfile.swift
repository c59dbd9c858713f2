import Glibc

/// Wall time of each stage of forward passes (head, every body layer, every attention module,
/// the body's closing conv, upsampler, tail), summed over the passes that carried it. Every
/// kernel returns only when its threads are done, so a stage's wall time is its cost. Set
/// `ForwardPass.profile` to collect; `acla profile` prints it.
public final class LayerProfile {
    public private(set) var names: [String] = []
    public private(set) var seconds: [String: Double] = [:]

    public init() {}

    /// Runs `body`, adding its wall time to the stage `name` (stages keep their first-seen order).
    public func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = LayerProfile.now()
        defer { add(name, LayerProfile.now() - start) }
        return try body()
    }

    public func add(_ name: String, _ s: Double) {
        if seconds[name] == nil { names.append(name) }
        seconds[name, default: 0] += s
    }

    public var total: Double { seconds.values.reduce(0, +) }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
