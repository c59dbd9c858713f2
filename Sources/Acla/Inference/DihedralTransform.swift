/// The 8 symmetries of the square acting on NCHW tensors (self-ensemble, CONVENTIONS.md
/// section 4): flip columns, flip rows, then optionally transpose (swap rows and columns).
/// `code` bit 0 flips x, bit 1 flips y, bit 2 transposes; code 0 is the identity.
public struct DihedralTransform: Sendable, Equatable {
    public let flipX: Bool
    public let flipY: Bool
    public let transpose: Bool

    public init(code: Int) {
        flipX = code & 1 != 0
        flipY = code & 2 != 0
        transpose = code & 4 != 0
    }

    init(flipX: Bool, flipY: Bool, transpose: Bool) {
        self.flipX = flipX
        self.flipY = flipY
        self.transpose = transpose
    }

    public static let all = (0..<8).map { DihedralTransform(code: $0) }

    /// The transform undoing this one: with a transposition, the flips swap axes
    /// (flip-then-transpose is undone by transpose-then-flip = swapped flips, then transpose).
    public var inverse: DihedralTransform {
        transpose ? DihedralTransform(flipX: flipY, flipY: flipX, transpose: true) : self
    }

    public var isIdentity: Bool { !flipX && !flipY && !transpose }

    /// out[n, c, i, j] = in[n, c, y, x] where (y, x) = flip(transpose ? (j, i) : (i, j)).
    public func apply(_ t: Tensor) throws -> Tensor {
        try t.requireRank(4, "dihedral transform input")
        if isIdentity { return t }
        let (n, c, h, w) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        let (oh, ow) = transpose ? (w, h) : (h, w)
        var out = try Tensor(checkedZeros: [n, c, oh, ow], what: "ensemble transform")
        let planes = n * c
        let (fx, fy, tr) = (flipX, flipY, transpose)
        t.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for p in 0..<planes {
                    let base = p * h * w
                    for i in 0..<oh {
                        for j in 0..<ow {
                            var (y, x) = tr ? (j, i) : (i, j)
                            if fy { y = h - 1 - y }
                            if fx { x = w - 1 - x }
                            dst[base + i * ow + j] = src[base + y * w + x]
                        }
                    }
                }
            }
        }
        return out
    }
}
