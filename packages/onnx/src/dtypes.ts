/**
 * ONNX element types and how gradcam stores them in tfjs, which has only float32, int32, bool,
 * string and complex64 tensors:
 *
 * | ONNX | tfjs storage | notes |
 * |---|---|---|
 * | float, double, float16, bfloat16 | float32 | double loses precision; float16/bfloat16 are widened |
 * | int8 … int32, uint8 … uint32, int64, uint64 | int32 | values outside the int32 range are clamped (int64 `INT64_MAX`, as Slice uses for "to the end", becomes `2^31 − 1`, which still means "to the end") |
 * | bool | bool | |
 * | string | string | only passed through (Identity, Constant…) |
 *
 * Every value keeps its ONNX type next to its tfjs tensor, so Cast, integer division and the outputs
 * read back by the caller follow ONNX semantics.
 */

/** An ONNX tensor element type, named like the TensorProto.DataType enum (lower case). */
export type DType =
  | 'float32'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'string'
  | 'bool'
  | 'float16'
  | 'float64'
  | 'uint32'
  | 'uint64'
  | 'complex64'
  | 'complex128'
  | 'bfloat16';

/** The tfjs dtype a value of an ONNX type is stored as. */
export type StorageDType = 'float32' | 'int32' | 'bool' | 'string';

const CODES: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

/** ONNX `TensorProto.DataType` code → {@link DType}. Throws on an unknown code. */
export function dtypeFromCode(code: number): DType {
  const d = CODES[code];
  if (!d) throw new Error(`unknown ONNX data type code ${code}`);
  return d;
}

/** {@link DType} → ONNX `TensorProto.DataType` code. */
export function dtypeCode(dtype: DType): number {
  for (const [k, v] of Object.entries(CODES)) if (v === dtype) return Number(k);
  throw new Error(`unknown dtype ${dtype}`);
}

/** True for the floating-point types (float, double, float16, bfloat16). */
export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

/** True for the signed and unsigned integer types. */
export function isInt(d: DType): boolean {
  return (
    d === 'int8' || d === 'uint8' || d === 'int16' || d === 'uint16' || d === 'int32' || d === 'uint32' || d === 'int64' || d === 'uint64'
  );
}

/** True for the unsigned integer types. */
export function isUnsigned(d: DType): boolean {
  return d === 'uint8' || d === 'uint16' || d === 'uint32' || d === 'uint64';
}

/** The tfjs storage dtype of an ONNX type (see the table at the top of this module). */
export function storageOf(d: DType): StorageDType {
  if (isFloat(d)) return 'float32';
  if (isInt(d)) return 'int32';
  if (d === 'bool') return 'bool';
  if (d === 'string') return 'string';
  throw new Error(`ONNX type ${d} has no tfjs equivalent`);
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-9223372036854775808, 9223372036854775807],
  uint64: [0, 18446744073709551615],
};

/** The value range of an integer type. */
export function intRange(d: DType): [number, number] {
  const r = INT_RANGE[d];
  if (!r) throw new Error(`${d} is not an integer type`);
  return r;
}

/** Clamps a number into the int32 range (the storage of every integer type). */
export function clampInt32(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v > 2147483647 ? 2147483647 : v < -2147483648 ? -2147483648 : Math.trunc(v);
}

/**
 * Converts a number to an integer type as a C cast would (what ONNX's Cast and the reference
 * implementation do): truncation toward zero, then wrap-around modulo 2^bits for the narrow types.
 * 64-bit types are exact up to 2^53 and saturate beyond.
 */
export function castToInt(v: number, d: DType): number {
  if (!Number.isFinite(v)) {
    if (Number.isNaN(v)) return 0;
    const [lo, hi] = intRange(d);
    return v > 0 ? hi : lo;
  }
  const t = Math.trunc(v);
  switch (d) {
    case 'int8':
      return ((t % 256) + 256 + 128) % 256 - 128;
    case 'uint8':
      return ((t % 256) + 256) % 256;
    case 'int16':
      return ((t % 65536) + 65536 + 32768) % 65536 - 32768;
    case 'uint16':
      return ((t % 65536) + 65536) % 65536;
    case 'int32':
      return ((t % 4294967296) + 4294967296 + 2147483648) % 4294967296 - 2147483648;
    case 'uint32':
      return ((t % 4294967296) + 4294967296) % 4294967296;
    case 'int64':
    case 'uint64': {
      const [lo, hi] = intRange(d);
      return t < lo ? lo : t > hi ? hi : t;
    }
    default:
      throw new Error(`${d} is not an integer type`);
  }
}

/** Rounds a number to the nearest float16 (round half to even), returned as a number. */
export function roundToFloat16(v: number): number {
  return halfBitsToFloat(floatToHalfBits(v));
}

/** Rounds a number to the nearest bfloat16 (round half to even), returned as a number. */
export function roundToBfloat16(v: number): number {
  if (Number.isNaN(v)) return NaN;
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  const x = u[0]!;
  const rounded = (x + 0x7fff + ((x >>> 16) & 1)) >>> 0;
  u[0] = rounded & 0xffff0000;
  return f[0]!;
}

/** IEEE half-precision bits → number. */
export function halfBitsToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** number → IEEE half-precision bits (round half to even, overflow to infinity). */
export function floatToHalfBits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(Math.fround(v));
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24
    const q = roundHalfEven(a / 2 ** -24);
    return sign | q; // q may reach 1024 = smallest normal, which is the right encoding
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e += 1;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
