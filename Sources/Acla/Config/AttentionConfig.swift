/// The `attention` block of a model config (C-API.md section 2), already validated.
public struct AttentionConfig: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable { case none, cla, acla, nl, clnl, se }
    public enum Positions: Equatable, Sendable {
        case list([Int])   // 1-based layers, sorted, unique
        case all           // the search supernet: a module after every layer plus search.alpha
    }

    public var kind: Kind
    public var positions: Positions
    /// K, keys per source (CLA default 8, ACLA default 16).
    public var keys: Int

    public init(kind: Kind = .none, positions: Positions = .list([]), keys: Int? = nil) {
        self.kind = kind
        self.positions = positions
        self.keys = keys ?? (kind == .acla ? 16 : 8)
    }

    public static let none = AttentionConfig()

    /// Allowed K (keys per source).
    public static let keyLimits = 1...64

    /// Whether the kind samples K keys per source (CLA, ACLA).
    public var usesKeys: Bool { kind == .cla || kind == .acla }

    /// The insert positions for a backbone of `layers` layers.
    public func resolvedPositions(layers: Int) -> [Int] {
        switch positions {
        case .list(let p): return p
        case .all: return Array(1...max(layers, 1))
        }
    }
}
