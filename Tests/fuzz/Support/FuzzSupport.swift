import Acla
import Glibc

// Shared by every libFuzzer target (Tests/fuzz/targets/*): the input as a file, the one rule for
// outcomes, and the canary that makes each target a persistent-process fuzz.

/// The parsers read files, as the C API does: each input is written to a tmpfs file of this
/// process (one per suffix), removed at exit.
public enum FuzzFile {
    nonisolated(unsafe) private static var paths: [String: String] = [:]

    /// A path holding exactly these bytes (rewritten for each input).
    public static func write(_ data: UnsafePointer<UInt8>, _ size: Int, suffix: String) -> String {
        write(UnsafeBufferPointer(start: data, count: size), suffix: suffix)
    }

    public static func write(_ bytes: [UInt8], suffix: String) -> String {
        bytes.withUnsafeBufferPointer { write($0, suffix: suffix) }
    }

    public static func write(_ bytes: UnsafeBufferPointer<UInt8>, suffix: String) -> String {
        let path = paths[suffix] ?? {
            let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
            let p = "\(dir)/acla-fuzz-\(getpid())\(suffix)"
            if paths.isEmpty { atexit { FuzzFile.removeAll() } }
            paths[suffix] = p
            return p
        }()
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { fatal("cannot create \(path): \(String(cString: strerror(errno)))") }
        var done = 0
        if let base = bytes.baseAddress {
            while done < bytes.count {
                let n = Glibc.write(fd, base + done, bytes.count - done)
                guard n > 0 else { fatal("cannot write \(path)") }
                done += n
            }
        }
        close(fd)
        return path
    }

    static func removeAll() { for p in paths.values { unlink(p) } }
}

/// What a parser may do with a hostile input: succeed, or throw an `AclaError` with any status
/// but `.internal` (an internal error is a bug the input exposed). Anything else, a trap, an
/// ASan report, a hang or a leak, is a finding reported by libFuzzer itself.
public func expectHandled(_ body: () throws -> Void) {
    do {
        try body()
    } catch let e as AclaError {
        if e.status == .internal { fatal("internal error: \(e.message)") }
        if e.message.isEmpty { fatal("error without a message (status \(e.status))") }
    } catch {
        fatal("non-AclaError thrown: \(error)")
    }
}

/// A known-good call whose result is computed once at start-up and must be the same after every
/// input: state one bad input leaves behind (a cache, a pool, a thread-local, a static) must not
/// change the next call. The check is a finding when it fails.
public final class Canary {
    private let run: () throws -> [UInt8]
    private let expected: [UInt8]
    private var calls = 0
    private let every: Int

    /// `every`: check after every n-th input (1 = each input).
    public init(every: Int = 1, _ run: @escaping () throws -> [UInt8]) {
        self.run = run
        self.every = every
        do { expected = try run() } catch { fatal("canary fails before any input: \(error)") }
    }

    public func check() {
        calls += 1
        guard calls % every == 0 else { return }
        do {
            let got = try run()
            if got != expected { fatal("canary result changed after \(calls) inputs") }
        } catch {
            fatal("canary failed after \(calls) inputs: \(error)")
        }
    }
}

/// Bytes of a float array (canary fingerprints compare results bit for bit).
public func fingerprint(_ values: some Sequence<Float>) -> [UInt8] {
    var out: [UInt8] = []
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    return out
}

public func fatal(_ message: String) -> Never {
    fputs("FUZZ FINDING: \(message)\n", stderr)
    abort()
}

/// A small test file committed under Tests/fuzz/corpus/<target>/ (the canaries' known-good inputs).
public func corpusFile(_ target: String, _ name: String) -> [UInt8] {
    let here = String(#filePath)
    let suffix = "/Support/FuzzSupport.swift"
    let root = here.hasSuffix(suffix) ? String(here.dropLast(suffix.count)) : here
    let path = "\(root)/corpus/\(target)/\(name)"
    guard let f = fopen(path, "rb") else { fatal("canary input \(path) is missing") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

/// One image input through info and read: both must agree, and the pixels match the header.
public func fuzzImage(_ data: UnsafePointer<UInt8>, _ size: Int, suffix: String) {
    let path = FuzzFile.write(data, size, suffix: suffix)
    expectHandled {
        let info = try ImageFile.info(path, maxPixels: 1 << 20)
        let (image, read) = try ImageFile.read(path, maxPixels: 1 << 20)
        if read != info { fatal("info and read disagree: \(info) vs \(read)") }
        if image.pixels.count != info.width * info.height * info.channels { fatal("pixel count does not match the header") }
    }
    // keeping alpha: the header and the pixels agree too, and the colour is that of the plain read
    expectHandled {
        let info = try ImageFile.info(path, maxPixels: 1 << 20, keepAlpha: true)
        let kept = try ImageFile.readPixels(path, maxPixels: 1 << 20, keepAlpha: true)
        if kept.info != info { fatal("info and readPixels disagree with alpha kept: \(info) vs \(kept.info)") }
        if kept.pixels.count != info.width * info.height * info.channels { fatal("alpha pixel count does not match the header") }
        let plain = try ImageFile.read(path, maxPixels: 1 << 20).image
        let colour = info.channels % 2 == 0 ? AlphaChannel.dropped(kept.pixels, channels: info.channels) : kept.pixels
        if colour != plain.pixels { fatal("the colour channels differ with alpha kept") }
    }
}

/// Once per process, before the canary: one kernel thread. The parsers are single-threaded, and
/// OpenMP barriers on a loaded 2-core machine cost a time slice each, which would make the
/// fuzzer wait instead of execute.
public func fuzzInitialize() {
    do { try Threads.set(1) } catch { fatal("cannot set one thread: \(error)") }
}
