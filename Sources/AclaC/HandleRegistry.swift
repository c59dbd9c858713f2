import Acla

/// The kinds of C handle, one tag each: a handle of one kind passed where another is expected is
/// named in the error ("... is a model handle, not a trainer"). Add a case for a new kind; never
/// renumber (the tag is part of every handle value a running program holds).
enum HandleKind: UInt64, CaseIterable {
    case model = 1
    case trainer = 2
    case restoreOptions = 3
    // add new kinds here

    var name: String {
        switch self {
        case .model: return "model"
        case .trainer: return "trainer"
        case .restoreOptions: return "restore options"
        }
    }
}

/// The live objects behind one kind of C handle (`acla_model *`, ...). A handle is not an address:
/// it is a token `generation << 32 | kind << 24 | slot` that is never dereferenced, so a destroyed,
/// stale, forged or garbage handle is looked up, not followed, and is `ACLA_ERR_INVALID_ARGUMENT`
/// instead of a crash. A slot's generation changes each time it is reused, so a destroyed handle
/// stays invalid even after its slot holds a new object.
///
/// Thread safety: every operation takes the registry's lock. `object(_:)` returns a strong
/// reference, so an object stays alive while a call uses it even if another thread destroys the
/// handle meanwhile (the object goes away when that call returns).
///
/// Cost: one uncontended mutex and an array index per call (measured in docs/RELIABILITY.md,
/// "Handles": a few tens of nanoseconds, against milliseconds for the smallest forward).
///
/// A new handle kind (as TrainerHandle.swift and RestoreOptionsHandle.swift do): a case in
/// `HandleKind`, then
/// ```swift
/// let trainers = HandleRegistry<TrainerBox>(.trainer)           // one registry per kind, global
/// out.pointee = try trainers.insert(box)                          // in acla_trainer_create
/// let box = try trainers.object(handle, "trainer")                // on entry of every function
/// trainers.remove(handle)                                         // in acla_trainer_destroy (NULL,
///                                                                 // unknown: no-op)
/// ```
final class HandleRegistry<Object: AnyObject>: @unchecked Sendable {
    private struct Slot {
        var object: Object?
        var generation: UInt64
    }

    let kind: HandleKind
    private let lock = Mutex()
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var live = 0

    /// Slots are 24 bits, generations 31 (the top bit stays clear): 16 million live handles.
    static var maxSlots: Int { 1 << 24 }
    private static var generationMask: UInt64 { (1 << 31) - 1 }

    init(_ kind: HandleKind) { self.kind = kind }

    /// Registers `object` and returns its new handle (never NULL). Fails only when 16 million
    /// handles of this kind are alive at once.
    func insert(_ object: Object) throws -> OpaquePointer {
        let token: UInt64? = lock.locked {
            let index: Int
            if let reused = freeSlots.popLast() {
                index = reused
            } else {
                guard slots.count < Self.maxSlots else { return nil }
                slots.append(Slot(object: nil, generation: 0))
                index = slots.count - 1
            }
            // generations start at 1, so no token is 0 (NULL)
            let generation = (slots[index].generation & Self.generationMask) + 1
            slots[index] = Slot(object: object, generation: generation & Self.generationMask == 0 ? 1 : generation)
            live += 1
            return slots[index].generation << 32 | kind.rawValue << 24 | UInt64(index)
        }
        guard let token, let handle = OpaquePointer(bitPattern: UInt(token)) else {
            throw AclaError.outOfMemory("too many live \(kind.name) handles (\(Self.maxSlots)): destroy some first")
        }
        return handle
    }

    /// The object behind a handle argument named `argument`. NULL, a destroyed handle and a value
    /// that was never a handle of this kind are invalid-argument errors.
    func object(_ handle: OpaquePointer?, _ argument: String) throws -> Object {
        guard let handle else { throw AclaError.invalidArgument("\(argument) is NULL") }
        let token = UInt64(UInt(bitPattern: handle))
        let (index, generation, tag) = Self.decode(token)
        guard tag == kind.rawValue else {
            if let other = HandleKind(rawValue: tag), generation != 0 {
                throw AclaError.invalidArgument("\(argument) is a \(other.name) handle, not a \(kind.name)")
            }
            throw AclaError.invalidArgument("\(argument) (\(Self.describe(token))) is not a \(kind.name) handle made by this library")
        }
        let found: Object? = lock.locked {
            guard index < slots.count, slots[index].generation == generation else { return nil }
            return slots[index].object
        }
        guard let found else {
            throw AclaError.invalidArgument("\(argument) (\(Self.describe(token))) is not a live \(kind.name): it was destroyed, or never created")
        }
        return found
    }

    /// Unregisters a handle and returns its object (released when the caller and any call still
    /// using it let go); nil for NULL and for anything that is not a live handle of this kind.
    @discardableResult
    func remove(_ handle: OpaquePointer?) -> Object? {
        guard let handle else { return nil }
        let (index, generation, tag) = Self.decode(UInt64(UInt(bitPattern: handle)))
        guard tag == kind.rawValue else { return nil }
        return lock.locked {
            guard index < slots.count, slots[index].generation == generation, let object = slots[index].object else {
                return nil
            }
            slots[index].object = nil
            freeSlots.append(index)
            live -= 1
            return object
        }
    }

    /// Handles of this kind alive now (tests, leak checks).
    var liveCount: Int { lock.locked { live } }

    private static func decode(_ token: UInt64) -> (index: Int, generation: UInt64, tag: UInt64) {
        (Int(token & 0xFF_FFFF), token >> 32, (token >> 24) & 0xFF)
    }

    private static func describe(_ token: UInt64) -> String { "0x" + String(token, radix: 16) }
}
