/// Matches restored images to reference images by file-name stem, tolerating the benchmark
/// suffixes: a trailing setting (`x2`, `_x2`, `_Q10`, `_N10`), reference tags (`_HR`, `_GT`,
/// `_HQ`) and a method tag on restored files (`_RCAN`, `_SR`, ...: trailing `_word`s are
/// dropped one at a time until a reference matches). Files marked low-resolution or
/// low-quality (`_LR`, `_LRBI`, `_LRBD`, `_LRDN`, `_LQ`) in a reference folder are inputs,
/// not references.
public enum EvaluationPairing {
    public struct Pair: Sendable, Equatable {
        public let reference: String
        public let restored: String
    }

    /// The stem with its extension and trailing setting token removed, lowercased.
    static func baseStem(_ fileName: String) -> String {
        let stem = Array(Paths.stem(fileName).lowercased())
        // Trailing digits preceded by x (`x2`, `_x2`) or by `_q` / `_n` (`_Q10`, `_N10`).
        var i = stem.count
        while i > 0, stem[i - 1].isASCII, stem[i - 1].isNumber { i -= 1 }
        guard i < stem.count, i >= 2 else { return String(stem) }
        var cut: Int?
        if stem[i - 1] == "x" {
            cut = (i >= 2 && stem[i - 2] == "_") ? i - 2 : i - 1
        } else if (stem[i - 1] == "q" || stem[i - 1] == "n") && stem[i - 2] == "_" {
            cut = i - 2
        }
        guard let cut, cut > 0 else { return String(stem) }
        return String(stem[..<cut])
    }

    /// The part after the last underscore (nil without one).
    static func lastTag(_ stem: String) -> (head: String, tag: String)? {
        guard let underscore = stem.lastIndex(of: "_"), underscore != stem.startIndex else { return nil }
        return (String(stem[..<underscore]), String(stem[stem.index(after: underscore)...]))
    }

    /// Whether a file in a reference folder is a degraded input rather than a reference.
    public static func isLowQualityName(_ fileName: String) -> Bool {
        guard let (_, tag) = lastTag(baseStem(fileName)) else { return false }
        return tag == "lq" || (tag.hasPrefix("lr") && tag.dropFirst(2).allSatisfy { $0.isASCII && $0.isLetter })
    }

    /// The key a reference file is matched by.
    public static func referenceKey(_ fileName: String) -> String {
        let stem = baseStem(fileName)
        if let (head, tag) = lastTag(stem), ["hr", "gt", "hq"].contains(tag) { return head }
        return stem
    }

    /// The candidate keys of a restored file, most specific first.
    static func restoredKeys(_ fileName: String) -> [String] {
        var keys = [baseStem(fileName)]
        while let last = keys.last, let (head, _) = lastTag(last) { keys.append(head) }
        return keys
    }

    /// Pairs for two folders, or one pair for two files. Notes tell about unmatched files.
    public static func pairs(reference: String, restored: String) throws -> (pairs: [Pair], notes: [String]) {
        guard let referenceIsFolder = Paths.isDirectory(reference) else { throw AclaError.io("\(reference) does not exist") }
        guard let restoredIsFolder = Paths.isDirectory(restored) else { throw AclaError.io("\(restored) does not exist") }
        guard referenceIsFolder == restoredIsFolder else {
            throw AclaError.invalidArgument("--reference and --restored must both be folders or both be files")
        }
        if !referenceIsFolder { return ([Pair(reference: reference, restored: restored)], []) }
        var notes: [String] = []
        var byKey: [String: String] = [:]
        for name in try imageNames(in: reference) where !isLowQualityName(name) {
            let key = referenceKey(name)
            if let other = byKey[key] {
                throw AclaError.invalidArgument("reference files \(other) and \(name) have the same stem '\(key)'")
            }
            byKey[key] = name
        }
        guard !byKey.isEmpty else { throw AclaError.invalidArgument("no reference images (PNG/JPEG) in \(reference)") }
        var matched: [String: String] = [:]
        for name in try imageNames(in: restored) {
            guard let key = restoredKeys(name).first(where: { byKey[$0] != nil }), let ref = byKey[key] else {
                notes.append("no reference for restored image \(name) (skipped)")
                continue
            }
            if let other = matched[ref] {
                throw AclaError.invalidArgument("restored files \(other) and \(name) both match reference \(ref)")
            }
            matched[ref] = name
        }
        var pairs: [Pair] = []
        for ref in byKey.values.sorted() {
            if let name = matched[ref] {
                pairs.append(Pair(reference: Paths.join(reference, ref), restored: Paths.join(restored, name)))
            } else {
                notes.append("no restored image for reference \(ref) (not counted)")
            }
        }
        guard !pairs.isEmpty else {
            throw AclaError.invalidArgument("no restored image in \(restored) matches a reference in \(reference)")
        }
        return (pairs, notes)
    }

    /// Image file names (PNG/JPEG, and .npy arrays) in a folder, sorted.
    static func imageNames(in folder: String) throws -> [String] {
        try Paths.list(folder).filter { ImageFile.isImageName($0) || $0.lowercased().hasSuffix(".npy") }
    }
}
