/// What a file that is not a safetensors checkpoint looks like, from its first bytes, so a PNG
/// or a PyTorch pickle given as a checkpoint is named as such instead of being read as an
/// absurd header length. Asked only when the header length cannot be right, so a real
/// checkpoint whose length bytes happen to match a magic number still loads.
enum SafetensorsSniff {
    /// "PNG", "JPEG", ... for a recognised other format, nil otherwise (maybe a safetensors file).
    static func otherFormat(_ head: [UInt8]) -> String? {
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "PNG" }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG" }
        if starts([0x93] + Array("NUMPY".utf8)) { return "a numpy .npy array" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            return "a zip archive, e.g. a PyTorch .pt/.pth checkpoint: convert it with examples/python/convert_checkpoint.py"
        }
        if starts([0x80]) && head.count >= 2 && (2...5).contains(head[1]) {
            return "a Python pickle, e.g. a legacy PyTorch checkpoint: convert it with examples/python/convert_checkpoint.py"
        }
        if starts([0x1F, 0x8B]) { return "gzip data" }
        if let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") {
            return "JSON text, e.g. a model config: give configs where a config is expected"
        }
        return nil
    }
}
