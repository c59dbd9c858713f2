import Acla

// Data-parallel training (include/acla.h, "acla_trainer_set_communicator"): the host's
// all-reduce, wrapped as the trainer's Communicator.

/// `acla_allreduce_fn` as Swift sees it.
public typealias acla_allreduce_callback = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Float>?, UInt, Double) -> Int32

@_cdecl("acla_trainer_set_communicator")
public func acla_trainer_set_communicator(_ trainer: OpaquePointer?, _ rank: Int32, _ worldSize: Int32,
                                          _ allreduce: acla_allreduce_callback?, _ user: UnsafeMutableRawPointer?,
                                          _ bucketFloats: UInt, _ timeoutSeconds: Double) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        guard let allreduce else {
            box.trainer.communicator = nil
            return
        }
        guard bucketFloats <= UInt(1 << 30) else {
            throw AclaError.invalidArgument("bucket_floats must be within 0...\(1 << 30) (0: the default), got \(bucketFloats)")
        }
        guard timeoutSeconds.isFinite, timeoutSeconds >= 0 else {
            throw AclaError.invalidArgument("timeout_seconds must be finite and >= 0 (0: the default), got \(timeoutSeconds)")
        }
        // a user pointer is an address, not a Sendable value: carried as a bit pattern
        let userBits = UInt(bitPattern: user)
        box.trainer.communicator = try Communicator(
            rank: Int(rank), worldSize: Int(worldSize),
            bucketElements: bucketFloats == 0 ? Communicator.defaultBucketElements : Int(bucketFloats),
            timeoutSeconds: timeoutSeconds == 0 ? Communicator.defaultTimeoutSeconds : timeoutSeconds
        ) { buffer, timeout in
            let code = allreduce(UnsafeMutableRawPointer(bitPattern: userBits), buffer.baseAddress, UInt(buffer.count), timeout)
            guard code == 0 else {
                throw AclaError.state("the all-reduce callback returned \(code) (timeout \(timeout) s: a rank died, hung or left)")
            }
        }
    }
}
