/// The element types a safetensors header may name. Every one is understood for validation
/// (its byte size); F32, F16, BF16 and F64 load as float32.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
        }
    }

    public var convertsToFloat: Bool { [.f32, .f16, .bf16, .f64].contains(self) }

    /// Little-endian bytes of this dtype as float32; nil for dtypes that do not convert.
    func floats(from bytes: [UInt8]) -> [Float]? {
        let n = bytes.count / byteSize
        var out = [Float](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            switch self {
            case .f32:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .f64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .bf16:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
            case .f16:
                for i in 0..<n { out[i] = halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            default:
                break
            }
        }
        return convertsToFloat ? out : nil
    }
}

/// IEEE 754 binary16 to binary32, exactly (every half is representable as a float).
func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = (h & 0x8000) != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    switch exponent {
    case 0:  // zero and subnormals: mantissa * 2^-24
        return sign * Float(mantissa) * 0x1p-24
    case 31:  // infinities and NaNs keep their payload
        let bits = (UInt32(h & 0x8000) << 16) | 0x7F80_0000 | (mantissa << 13)
        return Float(bitPattern: bits)
    default:
        let bits = (UInt32(h & 0x8000) << 16) | (UInt32(exponent - 15 + 127) << 23) | (mantissa << 13)
        return Float(bitPattern: bits)
    }
}
