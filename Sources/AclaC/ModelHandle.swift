import Acla

/// What an `acla_model *` points to: a retained box around the network, the settings every
/// forward pass of the handle starts from (probe, attention memory limit) and warm workspaces.
/// Other AclaC files (trainer, restorer, search) reach the network through `modelBox(_:)`.
/// Forward passes on one handle may run from several threads at once: each takes its own pass
/// and workspace, and the settings are read under a lock.
final class ModelBox {
    var network: Network
    private let lock = Mutex()
    private var probeSetting: ProbePixel?
    private var memoryLimitSetting = ForwardPass().memoryLimitBytes
    private var idleWorkspaces: [Workspace] = []
    private var allowNonFiniteSetting = false

    /// acla_model_set_allow_nonfinite: forward lets NaN/Inf input through (default: refused).
    var allowNonFinite: Bool {
        get { lock.locked { allowNonFiniteSetting } }
        set { lock.locked { allowNonFiniteSetting = newValue } }
    }

    init(_ network: Network) { self.network = network }

    var probe: ProbePixel? {
        get { lock.locked { probeSetting } }
        set { lock.locked { probeSetting = newValue } }
    }

    var attentionMemoryLimit: Int {
        get { lock.locked { memoryLimitSetting } }
        set { lock.locked { memoryLimitSetting = newValue } }
    }

    /// An evaluation pass with the handle's settings and a warm workspace (given back by `finish`).
    func makePass() -> ForwardPass {
        let pass = ForwardPass(mode: .evaluation)
        lock.locked {
            pass.probe = probeSetting
            pass.memoryLimitBytes = memoryLimitSetting
            pass.workspace = idleWorkspaces.popLast() ?? Workspace()
        }
        return pass
    }

    func finish(_ pass: ForwardPass) {
        guard let ws = pass.workspace else { return }
        pass.workspace = nil
        lock.locked { if idleWorkspaces.count < 2 { idleWorkspaces.append(ws) } }
    }

    /// A new handle registered in `models`; `acla_model_destroy` unregisters it.
    func retainedHandle() throws -> OpaquePointer {
        try models.insert(self)
    }
}

/// Every live `acla_model *` (HandleRegistry: a destroyed or garbage handle is an error, not a crash).
let models = HandleRegistry<ModelBox>(.model)

/// The box behind a handle argument; NULL, destroyed and garbage handles are invalid-argument
/// errors naming the parameter.
func modelBox(_ p: OpaquePointer?, _ name: String = "model") throws -> ModelBox {
    try models.object(p, name)
}

/// Copies `text` and its NUL into a caller buffer with the `needed` protocol of
/// `acla_model_config`: `*needed` is always set; a buffer smaller than needed is ACLA_ERR_SHAPE
/// and receives nothing.
func copyString(_ text: String, to buf: UnsafeMutablePointer<CChar>?, capacity cap: UInt,
                needed: UnsafeMutablePointer<UInt>?, what: String) throws {
    let needed = try requireNonNull(needed, "needed")
    let bytes = Array(text.utf8)
    let size = UInt(bytes.count) + 1
    guard cap >= size else {
        needed.pointee = size
        throw AclaError.shape("\(what) needs \(size) bytes including the terminating NUL, buffer holds \(cap)")
    }
    let buf = try requireNonNull(buf, "buf")
    bytes.withUnsafeBufferPointer { src in
        src.withMemoryRebound(to: CChar.self) { s in
            if let base = s.baseAddress { buf.update(from: base, count: bytes.count) }
        }
    }
    buf[bytes.count] = 0
    needed.pointee = size
}
