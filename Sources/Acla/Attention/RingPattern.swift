import Glibc

/// The initial key offsets of CLA/ACLA (ATTENTION.md section 3): with D = min(K, 8), key k sits on
/// ring q = k / D + 1 at angle t = 2 pi (k mod D) / D, at q * (sin t, cos t) / max(|sin t|, |cos t|)
/// as (dy, dx): for K = 8 the 8 neighbours, for K = 16 the squares at distance 1 and 2.
enum RingPattern {
    static func offsets(keys: Int) -> [(dy: Float, dx: Float)] {
        let d = min(keys, 8)
        return (0..<keys).map { k in
            let ring = Double(k / d + 1)
            let t = 2 * Double.pi * Double(k % d) / Double(d)
            let (s, c) = (Glibc.sin(t), Glibc.cos(t))
            let norm = max(abs(s), abs(c))
            return (exact(ring * s / norm), exact(ring * c / norm))
        }
    }

    /// sin(pi) is 1.2e-16 in floating point; the pattern means 0 there.
    private static func exact(_ v: Double) -> Float { abs(v) < 1e-9 ? 0 : Float(v) }

    /// The offset conv's bias: the same pattern for every source, source-major then key, (dy, dx).
    static func offsetBias(sources: Int, keys: Int) -> Tensor {
        var bias = Tensor(zeros: [2 * sources * keys])
        let ring = offsets(keys: keys)
        for s in 0..<sources {
            for k in 0..<keys {
                bias.data[2 * (s * keys + k)] = ring[k].dy
                bias.data[2 * (s * keys + k) + 1] = ring[k].dx
            }
        }
        return bias
    }
}
