/**
 * Plain tensor data (dtype, dims, flat row-major data) and its conversion from and to ONNX
 * `TensorProto` messages: initializers, `Constant` values, and the `.pb` files of the ONNX test suite.
 */
import { dtypeCode, dtypeFromCode, halfBitsToFloat, floatToHalfBits, type DType } from './dtypes.js';
import { int64ToNumber, type TensorProtoMsg } from './proto.js';

/** Flat element data: numbers (any typed array, int64 as BigInt64Array too) or strings. */
export type ElementData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | number[]
  | boolean[]
  | string[];

/** A tensor outside tfjs: ONNX element type, dims and flat row-major data (ONNX layouts: images are NCHW). */
export interface TensorData {
  dtype: DType;
  dims: number[];
  data: ElementData;
}

/** Number of elements of a shape. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Converts any numeric element data to a Float64Array (BigInts become numbers, exact up to 2^53). */
export function toFloat64(data: ElementData): Float64Array {
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number | bigint | boolean | string;
    out[i] = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  }
  return out;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes a TensorProto into {@link TensorData}. float32 data comes back as a Float32Array, strings
 * as string[], every other type as a Float64Array of exact values (int64 exact up to 2^53;
 * float16/bfloat16 widened). External data is not supported (the error says so).
 */
export function tensorFromProto(t: TensorProtoMsg): TensorData {
  const dtype = dtypeFromCode(t.dataType);
  const dims = t.dims.map((d) => int64ToNumber(d));
  const n = sizeOf(dims);
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) {
    throw new Error(`tensor '${t.name}' stores its data in an external file, which @gradcam/onnx does not read`);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (dtype === 'string') {
    const dec = new TextDecoder();
    return { dtype, dims, data: t.stringData.map((b) => dec.decode(b)) };
  }
  if (dtype === 'complex64' || dtype === 'complex128') throw new Error(`tensor '${t.name}': complex types are not supported`);
  if (raw) {
    const dv = view(raw);
    const elemBytes: Record<string, number> = {
      float32: 4, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2,
      int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
    };
    const eb = elemBytes[dtype]!;
    if (raw.length !== n * eb) throw new Error(`tensor '${t.name}': raw_data has ${raw.length} bytes, expected ${n * eb}`);
    if (dtype === 'float32') {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      return { dtype, dims, data: out };
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * eb;
      switch (dtype) {
        case 'float64': out[i] = dv.getFloat64(o, true); break;
        case 'float16': out[i] = halfBitsToFloat(dv.getUint16(o, true)); break;
        case 'bfloat16': out[i] = bf16ToFloat(dv.getUint16(o, true)); break;
        case 'int8': out[i] = dv.getInt8(o); break;
        case 'uint8': out[i] = dv.getUint8(o); break;
        case 'bool': out[i] = dv.getUint8(o) ? 1 : 0; break;
        case 'int16': out[i] = dv.getInt16(o, true); break;
        case 'uint16': out[i] = dv.getUint16(o, true); break;
        case 'int32': out[i] = dv.getInt32(o, true); break;
        case 'uint32': out[i] = dv.getUint32(o, true); break;
        case 'int64': out[i] = Number(dv.getBigInt64(o, true)); break;
        case 'uint64': out[i] = Number(dv.getBigUint64(o, true)); break;
        default: throw new Error(`unsupported dtype ${dtype}`);
      }
    }
    return { dtype, dims, data: out };
  }
  // Typed fields.
  let src: ArrayLike<number>;
  switch (dtype) {
    case 'float32':
      return { dtype, dims, data: Float32Array.from(t.floatData ?? []) };
    case 'float64':
      src = t.doubleData;
      break;
    case 'int64':
      src = t.int64Data.map((v) => int64ToNumber(v));
      break;
    case 'uint64':
    case 'uint32':
      src = t.uint64Data.map((v) => int64ToNumber(v));
      break;
    case 'float16':
      src = t.int32Data.map((v) => halfBitsToFloat(v & 0xffff));
      break;
    case 'bfloat16':
      src = t.int32Data.map((v) => bf16ToFloat(v & 0xffff));
      break;
    default:
      src = t.int32Data;
  }
  if (src.length !== n) throw new Error(`tensor '${t.name}' of dims [${dims}] holds ${src.length} values`);
  return { dtype, dims, data: Float64Array.from(src) };
}

function bf16ToFloat(bits: number): number {
  const f = new Float32Array(1);
  new Uint32Array(f.buffer)[0] = (bits << 16) >>> 0;
  return f[0]!;
}

/** A number as a BigInt clamped to [lo, hi] (int64 extremes written as numbers, e.g. 2^63, stay in range). */
function clampBig(v: number, lo: bigint, hi: bigint): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v === Infinity) return hi;
  if (v === -Infinity) return lo;
  const b = BigInt(Math.trunc(v));
  return b < lo ? lo : b > hi ? hi : b;
}

/** Encodes {@link TensorData} as a TensorProto plain object (raw_data little-endian; strings in string_data). */
export function tensorToProto(t: TensorData, name = ''): Record<string, unknown> {
  const n = sizeOf(t.dims);
  const base = { name, dims: t.dims, dataType: dtypeCode(t.dtype) };
  if (t.dtype === 'string') {
    const enc = new TextEncoder();
    return { ...base, stringData: (t.data as string[]).map((s) => enc.encode(s)) };
  }
  const vals = toFloat64(t.data as ElementData);
  if (vals.length !== n) throw new Error(`tensor '${name}' of dims [${t.dims}] holds ${vals.length} values`);
  const sizes: Record<string, number> = {
    float32: 4, float64: 8, float16: 2, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1,
  };
  const eb = sizes[t.dtype];
  if (eb === undefined) throw new Error(`cannot encode ${t.dtype}`);
  const bytes = new Uint8Array(n * eb);
  const dv = view(bytes);
  for (let i = 0; i < n; i++) {
    const v = vals[i]!;
    const o = i * eb;
    switch (t.dtype) {
      case 'float32': dv.setFloat32(o, v, true); break;
      case 'float64': dv.setFloat64(o, v, true); break;
      case 'float16': dv.setUint16(o, floatToHalfBits(v), true); break;
      case 'int8': dv.setInt8(o, v); break;
      case 'uint8': dv.setUint8(o, v); break;
      case 'bool': dv.setUint8(o, v ? 1 : 0); break;
      case 'int16': dv.setInt16(o, v, true); break;
      case 'uint16': dv.setUint16(o, v, true); break;
      case 'int32': dv.setInt32(o, v, true); break;
      case 'uint32': dv.setUint32(o, v, true); break;
      case 'int64': dv.setBigInt64(o, clampBig(v, -(2n ** 63n), 2n ** 63n - 1n), true); break;
      case 'uint64': dv.setBigUint64(o, clampBig(v, 0n, 2n ** 64n - 1n), true); break;
    }
  }
  return { ...base, rawData: bytes };
}
