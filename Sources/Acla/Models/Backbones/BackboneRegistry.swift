/// Every backbone a config may name, in the order error messages list them.
public enum BackboneRegistry {
    public static let all: [any BackboneDefinition] = [EDSRBackbone(), RCANBackbone()]

    public static func definition(named name: String) -> (any BackboneDefinition)? {
        all.first { $0.name == name }
    }

    public static var names: [String] { all.map(\.name) }
}

extension ModelConfig {
    /// A registered backbone: compared and hashed by name, carrying its definition.
    public struct Backbone: Hashable, Sendable, CustomStringConvertible {
        public let definition: any BackboneDefinition
        public var rawValue: String { definition.name }
        public var description: String { rawValue }

        /// nil for a name no backbone is registered under.
        public init?(rawValue: String) {
            guard let d = BackboneRegistry.definition(named: rawValue) else { return nil }
            definition = d
        }

        init(_ definition: any BackboneDefinition) { self.definition = definition }

        public static let edsr = Backbone(EDSRBackbone())
        public static let rcan = Backbone(RCANBackbone())

        public static func == (a: Backbone, b: Backbone) -> Bool { a.rawValue == b.rawValue }
        public func hash(into h: inout Hasher) { h.combine(rawValue) }
    }
}
