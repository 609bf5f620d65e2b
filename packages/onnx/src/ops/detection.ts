/**
 * Detection post-processing on the host: NonMaxSuppression and RoiAlign (not differentiable; they
 * select boxes, they do not score them).
 */
import { sizeOf } from '../tensor-data.js';
import { HOST_LIMIT, Value } from '../value.js';
import { registerOp } from './registry.js';
import { input, optInput } from './util.js';

registerOp('NonMaxSuppression', (inputs, ctx) => {
  const boxes = input(inputs, 0, ctx);
  const scores = input(inputs, 1, ctx);
  const maxV = optInput(inputs, 2);
  const iouV = optInput(inputs, 3);
  const scoreV = optInput(inputs, 4);
  const maxPerClass = maxV && maxV.size > 0 ? maxV.numbers()[0]! : 0;
  const iouThr = iouV && iouV.size > 0 ? iouV.numbers()[0]! : 0;
  const scoreThr = scoreV && scoreV.size > 0 ? scoreV.numbers()[0]! : -Infinity;
  const center = ctx.attrs.int('center_point_box', 0) === 1;
  const [nb, nBoxes] = boxes.shape as [number, number];
  const nc = scores.shape[1]!;
  const b = boxes.numbers();
  const s = scores.numbers();
  const corners = (bi: number, i: number): [number, number, number, number] => {
    const o = (bi * nBoxes + i) * 4;
    if (center) {
      const [cx, cy, w, h] = [b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!];
      return [cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2];
    }
    const [y1, x1, y2, x2] = [b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!];
    return [Math.min(y1, y2), Math.min(x1, x2), Math.max(y1, y2), Math.max(x1, x2)];
  };
  const iou = (p: number[], q: number[]): number => {
    const ih = Math.max(0, Math.min(p[2]!, q[2]!) - Math.max(p[0]!, q[0]!));
    const iw = Math.max(0, Math.min(p[3]!, q[3]!) - Math.max(p[1]!, q[1]!));
    const inter = ih * iw;
    const union = (p[2]! - p[0]!) * (p[3]! - p[1]!) + (q[2]! - q[0]!) * (q[3]! - q[1]!) - inter;
    return union > 0 ? inter / union : 0;
  };
  const selected: number[] = [];
  for (let bi = 0; bi < nb; bi++) {
    for (let c = 0; c < nc; c++) {
      if (maxPerClass <= 0) continue;
      const order = Array.from({ length: nBoxes }, (_, i) => i)
        .filter((i) => s[(bi * nc + c) * nBoxes + i]! > scoreThr)
        .sort((i, j) => s[(bi * nc + c) * nBoxes + j]! - s[(bi * nc + c) * nBoxes + i]! || i - j);
      const kept: number[] = [];
      for (const i of order) {
        if (kept.length >= maxPerClass) break;
        const bx = corners(bi, i);
        if (kept.every((k) => iou(corners(bi, k), bx) <= iouThr)) {
          kept.push(i);
          selected.push(bi, c, i);
        }
      }
    }
  }
  const v = Value.fromHost(selected, [selected.length / 3, 3], 'int64');
  return [v.size <= HOST_LIMIT ? v : Value.fromTensor(v.tensor(), 'int64')];
});

registerOp('RoiAlign', (inputs, ctx) => {
  const x = input(inputs, 0, ctx);
  const rois = input(inputs, 1, ctx).numbers();
  const batchIdx = input(inputs, 2, ctx).numbers();
  const mode = ctx.attrs.string('mode', 'avg');
  const oh = ctx.attrs.int('output_height', 1);
  const ow = ctx.attrs.int('output_width', 1);
  const ratio = ctx.attrs.int('sampling_ratio', 0);
  const scale = ctx.attrs.float('spatial_scale', 1);
  const halfPixel = ctx.attrs.string('coordinate_transformation_mode', ctx.opset >= 16 ? 'half_pixel' : 'output_half_pixel') === 'half_pixel';
  const [, c, h, w] = x.shape as [number, number, number, number];
  const data = x.numbers();
  const n = batchIdx.length;
  const res = new Float64Array(n * c * oh * ow);
  const offset = halfPixel ? 0.5 : 0;
  const bilinear = (base: number, y: number, xx: number): number => {
    if (y < -1 || y > h || xx < -1 || xx > w) return 0;
    y = Math.max(y, 0);
    xx = Math.max(xx, 0);
    let y0 = Math.floor(y);
    let x0 = Math.floor(xx);
    let y1 = y0 + 1;
    let x1 = x0 + 1;
    if (y0 >= h - 1) {
      y0 = y1 = h - 1;
      y = y0;
    }
    if (x0 >= w - 1) {
      x0 = x1 = w - 1;
      xx = x0;
    }
    const ly = y - y0;
    const lx = xx - x0;
    const v = (yy: number, xq: number): number => data[base + yy * w + xq]!;
    return (1 - ly) * (1 - lx) * v(y0, x0) + (1 - ly) * lx * v(y0, x1) + ly * (1 - lx) * v(y1, x0) + ly * lx * v(y1, x1);
  };
  for (let r = 0; r < n; r++) {
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((k) => rois[r * 4 + k]! * scale - offset) as [number, number, number, number];
    let rw = x2 - x1;
    let rh = y2 - y1;
    if (!halfPixel) {
      rw = Math.max(rw, 1);
      rh = Math.max(rh, 1);
    }
    const bh = rh / oh;
    const bw = rw / ow;
    const gh = ratio > 0 ? ratio : Math.ceil(rh / oh);
    const gw = ratio > 0 ? ratio : Math.ceil(rw / ow);
    const b = batchIdx[r]!;
    for (let ch = 0; ch < c; ch++) {
      const base = (b * c + ch) * h * w;
      for (let py = 0; py < oh; py++) {
        for (let px = 0; px < ow; px++) {
          let acc = mode === 'max' ? -Infinity : 0;
          for (let iy = 0; iy < gh; iy++) {
            const yy = y1 + py * bh + ((iy + 0.5) * bh) / gh;
            for (let ix = 0; ix < gw; ix++) {
              const xq = x1 + px * bw + ((ix + 0.5) * bw) / gw;
              const v = bilinear(base, yy, xq);
              acc = mode === 'max' ? Math.max(acc, v) : acc + v;
            }
          }
          res[((r * c + ch) * oh + py) * ow + px] = mode === 'max' ? acc : acc / Math.max(gh * gw, 1);
        }
      }
    }
  }
  const shape = [n, c, oh, ow];
  const v = Value.fromHost(res, shape, x.dtype);
  return [sizeOf(shape) <= HOST_LIMIT && x.isHost ? v : Value.fromTensor(v.tensor(), x.dtype)];
});
