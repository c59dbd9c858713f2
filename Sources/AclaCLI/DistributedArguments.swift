import Acla
import ArgumentParser
import CMPIShim

enum DistributedMode: String, ExpressibleByArgument, CaseIterable { case none, mpi }

/// `--distributed mpi` for `acla train` and `acla search`: data-parallel over the ranks of
/// `mpirun -np N acla ...` (docs/DISTRIBUTED.md). libacla's trainer gets MPI as its all-reduce;
/// rank 0 alone prints progress, validates and writes files.
struct DistributedArguments: ParsableArguments {
    @Option(help: "none, or mpi: data-parallel training over the ranks of `mpirun -np N acla ...` (--batch is the global batch).")
    var distributed: DistributedMode = .none
    @Option(name: .customLong("allreduce-timeout"), help: "With --distributed: seconds an all-reduce waits for the other ranks before the run fails (a dead or hung rank; rank 0's validation and checkpoint writes must fit in it).")
    var allreduceTimeout: Double = Communicator.defaultTimeoutSeconds
    @Option(name: .customLong("bucket-mb"), help: "With --distributed: gradients are all-reduced in buckets of at most this many MiB.")
    var bucketMB: Double = 4

    /// Runs `body` with the communicator (nil without --distributed). MPI ends with the run: on
    /// success or a collective stop normally, on an error with MPI_Abort, so that no rank is left
    /// waiting for one that gave up.
    func session(_ body: (Communicator?) throws -> Void) throws {
        guard distributed == .mpi else { return try body(nil) }
        let communicator: Communicator
        do {
            guard bucketMB.isFinite, bucketMB >= 1.0 / 256, bucketMB <= 4096 else {
                throw AclaError.invalidArgument("--bucket-mb must be within 1/256...4096, got \(bucketMB)")
            }
            // checked before MPI starts, so a bad value ends every rank cleanly
            guard allreduceTimeout.isFinite, allreduceTimeout > 0, allreduceTimeout <= 1e7 else {
                throw AclaError.invalidArgument("--allreduce-timeout must be within (0, 1e7] seconds, got \(allreduceTimeout)")
            }
            var rank: Int32 = 0, world: Int32 = 0
            guard mpi_shim_init(&rank, &world) == 0 else {
                throw AclaError.state("--distributed mpi: \(String(cString: mpi_shim_error()))")
            }
            communicator = try Communicator(rank: Int(rank), worldSize: Int(world),
                                            bucketElements: max(1, Int(bucketMB * 262_144)),
                                            timeoutSeconds: allreduceTimeout) { buffer, timeout in
                let code = mpi_shim_allreduce_sum(nil, buffer.baseAddress, buffer.count, timeout)
                guard code == 0 else {
                    let why = String(cString: mpi_shim_error())
                    throw AclaError.state(code == 1 ? "\(why) (--allreduce-timeout \(timeout)): a rank died or hung" : why)
                }
            }
        } catch let e as AclaError {
            CLIExit.printError(e.message)
            throw ExitCode(1)
        }
        do {
            try body(communicator)
        } catch let e as ExitCode where e.rawValue == 0 || e.rawValue == 130 {
            mpi_shim_finalize()   // a collective stop: every rank is here
            throw e
        } catch let e as ExitCode {
            mpi_shim_abort(e.rawValue)
            throw e
        } catch {
            mpi_shim_abort(1)
            throw error
        }
        if communicator.isLeader, mpi_shim_allreduce_calls() > 0 {
            ImageCommandSupport.note("all-reduce on \(communicator.worldSize) ranks: \(mpi_shim_allreduce_calls()) calls, \(CLIText.format("%.3f", mpi_shim_allreduce_seconds())) s in total")
        }
        mpi_shim_finalize()
    }
}
