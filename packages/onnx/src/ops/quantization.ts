/**
 * Quantization: DynamicQuantizeLinear, QuantizeLinear, DequantizeLinear, MatMulInteger, ConvInteger,
 * QLinearMatMul, QLinearConv — what ONNX Runtime's dynamic quantization (the default "quantized"
 * Xenova files) puts in a graph.
 *
 * Gradients are *straight-through*: a quantized tensor is stored as float32 holding exact integers
 * (its ONNX type stays uint8/int8/int32), and the gradient of `q = round(x / s) + zp` with respect to
 * x is taken as `1 / s` (rounding and saturation ignored; scales and zero points are constants).
 * The integer products run in float32 (exact while partial sums stay below 2^24, as in the test
 * suite; real layers may differ from ONNX Runtime's int32 arithmetic in the last float32 bits).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DType } from '../dtypes.js';
import { Value } from '../value.js';
import { convNCHW } from './conv.js';
import { matmul } from './matmul.js';
import { registerOp } from './registry.js';
import { input, normAxis, optInput, out } from './util.js';

/** Identity in the forward pass, zero gradient: makes scales and zero points constants. */
const stopGradient = (x: tf.Tensor): tf.Tensor =>
  tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }))(x);

/** `q` in the forward pass; gradient with respect to `x` is `dy / scale` (straight-through estimator). */
function straightThrough(x: tf.Tensor, q: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [, b, s] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    // Saved through the engine: the run frees its intermediates before the backward pass.
    save([s!]);
    return {
      value: tf.clone(b!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sc] = saved;
        return [tf.div(dy, sc!), tf.zerosLike(dy), tf.zerosLike(sc!)];
      },
    };
  });
  return f(x, q, scale);
}

function range(dtype: DType): [number, number] {
  if (dtype === 'int8') return [-128, 127];
  if (dtype === 'uint8') return [0, 255];
  if (dtype === 'int16') return [-32768, 32767];
  if (dtype === 'uint16') return [0, 65535];
  if (dtype === 'int32') return [-2147483648, 2147483647];
  throw new Error(`quantization to ${dtype} is not supported`);
}

/** A quantized result: float32 storage of exact integers, typed `dtype`. */
function quantized(t: tf.Tensor, dtype: DType): Value {
  return Value.fromTensor(t, dtype);
}

/** Reshapes a per-axis parameter [C] to broadcast over a tensor of rank r along `axis` (scalars pass). */
function alongAxis(p: tf.Tensor, rank: number, axis: number): tf.Tensor {
  if (p.rank === 0 || p.size === 1) return tf.reshape(p, []);
  const shape = new Array<number>(rank).fill(1);
  shape[axis] = p.size;
  return tf.reshape(p, shape);
}

registerOp('DynamicQuantizeLinear', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const xs = stopGradient(x);
  const lo = tf.minimum(tf.min(xs), 0);
  const hi = tf.maximum(tf.max(xs), 0);
  const rawScale = tf.div(tf.sub(hi, lo), 255);
  // All-zero input: scale 0 would divide by zero; any positive scale gives q = zp = 0 then.
  const scale = tf.maximum(rawScale, 1e-30);
  const zp = tf.clipByValue(tf.round(tf.sub(0, tf.div(lo, scale))), 0, 255);
  const q = tf.clipByValue(tf.add(tf.round(tf.div(xs, scale)), zp), 0, 255);
  const y = straightThrough(x, q, scale);
  return [quantized(y, 'uint8'), out(rawScale, 'float32'), quantized(zp, 'uint8')];
});

registerOp('QuantizeLinear', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const x = xv.floatTensor();
  const scaleV = input(inputs, 1, ctx);
  const axis = scaleV.size > 1 ? normAxis(ctx.attrs.int('axis', 1), xv.rank) : 0;
  const scale = alongAxis(stopGradient(scaleV.floatTensor()), xv.rank, axis);
  const zpV = optInput(inputs, 2);
  const dtype: DType = zpV ? zpV.dtype : 'uint8';
  const zp = zpV ? alongAxis(zpV.floatTensor(), xv.rank, axis) : tf.scalar(0);
  const [lo, hi] = range(dtype);
  const q = tf.clipByValue(tf.add(tf.round(tf.div(stopGradient(x), scale)), zp), lo, hi);
  return [quantized(straightThrough(x, q, tf.broadcastTo(scale, q.shape)), dtype)];
});

registerOp('DequantizeLinear', (inputs, ctx) => {
  const xv = input(inputs, 0, ctx);
  const scaleV = input(inputs, 1, ctx);
  const axis = scaleV.size > 1 ? normAxis(ctx.attrs.int('axis', 1), xv.rank) : 0;
  const scale = alongAxis(scaleV.floatTensor(), xv.rank, axis);
  const zpV = optInput(inputs, 2);
  let x = xv.floatTensor();
  if (zpV) x = tf.sub(x, alongAxis(zpV.floatTensor(), xv.rank, axis));
  return [out(tf.mul(x, scale), 'float32')];
});

/** Subtracts a zero point that is a scalar or per-row (`rowAxis`) / per-column vector. */
function minusZeroPoint(t: tf.Tensor, zp: Value | undefined, perRow: boolean): tf.Tensor {
  if (!zp) return t;
  const z = zp.floatTensor();
  if (z.size === 1) return tf.sub(t, tf.reshape(z, []));
  // A: [..., M, K] with zp [M] → [M, 1]; B: [..., K, N] with zp [N] → [N].
  return tf.sub(t, perRow ? tf.reshape(z, [z.size, 1]) : tf.reshape(z, [z.size]));
}

registerOp('MatMulInteger', (inputs, ctx) => {
  const a = input(inputs, 0, ctx);
  const b = input(inputs, 1, ctx);
  const ta = minusZeroPoint(a.floatTensor(), optInput(inputs, 2), true);
  const tb = minusZeroPoint(b.floatTensor(), optInput(inputs, 3), false);
  return [quantized(matmul(ta, tb), 'int32')];
});

registerOp('ConvInteger', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const w = input(inputs, 1, ctx);
  const xzp = optInput(inputs, 2);
  const wzp = optInput(inputs, 3);
  let tx = x.floatTensor();
  if (xzp) tx = tf.sub(tx, tf.reshape(xzp.floatTensor(), []));
  let tw = w.floatTensor();
  if (wzp) tw = tf.sub(tw, wzp.size === 1 ? tf.reshape(wzp.floatTensor(), []) : tf.reshape(wzp.floatTensor(), [wzp.size, 1, 1, 1]));
  // Zero points pad the input: pad x - zp with zeros, as ONNX Runtime does.
  return [quantized(convNCHW(tx, tw, undefined, ctx.attrs), 'int32')];
});

registerOp('QLinearMatMul', (inputs, ctx) => {
  const [a, as, azp, b, bs, bzp, ys, yzp] = Array.from({ length: 8 }, (_, i) => input(inputs, i, ctx));
  const fa = tf.mul(minusZeroPoint(a!.floatTensor(), azp, true), as!.floatTensor().size === 1 ? tf.reshape(as!.floatTensor(), []) : tf.reshape(as!.floatTensor(), [as!.size, 1]));
  const fb = tf.mul(minusZeroPoint(b!.floatTensor(), bzp, false), tf.reshape(bs!.floatTensor(), bs!.size === 1 ? [] : [bs!.size]));
  const y = matmul(fa, fb);
  const [lo, hi] = range(yzp!.dtype);
  const q = tf.clipByValue(tf.add(tf.round(tf.div(y, tf.reshape(ys!.floatTensor(), ys!.size === 1 ? [] : [ys!.size]))), tf.reshape(yzp!.floatTensor(), yzp!.size === 1 ? [] : [yzp!.size])), lo, hi);
  return [quantized(q, yzp!.dtype)];
});

registerOp('QLinearConv', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const xs = input(inputs, 1, ctx);
  const xzp = input(inputs, 2, ctx);
  const w = input(inputs, 3, ctx);
  const ws = input(inputs, 4, ctx);
  const wzp = input(inputs, 5, ctx);
  const ys = input(inputs, 6, ctx);
  const yzp = input(inputs, 7, ctx);
  const bias = optInput(inputs, 8);
  const fx = tf.mul(tf.sub(x.floatTensor(), tf.reshape(xzp.floatTensor(), [])), tf.reshape(xs.floatTensor(), []));
  const wsT = ws.size === 1 ? tf.reshape(ws.floatTensor(), []) : tf.reshape(ws.floatTensor(), [ws.size, 1, 1, 1]);
  const wzT = wzp.size === 1 ? tf.reshape(wzp.floatTensor(), []) : tf.reshape(wzp.floatTensor(), [wzp.size, 1, 1, 1]);
  const fw = tf.mul(tf.sub(w.floatTensor(), wzT), wsT);
  let b: tf.Tensor | undefined;
  if (bias) b = tf.mul(bias.floatTensor(), tf.mul(tf.reshape(xs.floatTensor(), []), ws.size === 1 ? tf.reshape(ws.floatTensor(), []) : tf.reshape(ws.floatTensor(), [ws.size])));
  const y = convNCHW(fx, fw, undefined, ctx.attrs);
  const yb = b ? tf.add(y, tf.reshape(b, [1, b.size, ...new Array(y.rank - 2).fill(1)])) : y;
  const [lo, hi] = range(yzp.dtype);
  const q = tf.clipByValue(tf.add(tf.round(tf.div(yb, tf.reshape(ys.floatTensor(), []))), tf.reshape(yzp.floatTensor(), [])), lo, hi);
  return [quantized(q, yzp.dtype)];
});
