import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  COLOURS,
  COLOUR_RGB,
  HELD_OUT_SEED_BASE,
  OBJECT_GAP,
  RELATION_MARGIN,
  SCENE_SIZE,
  SHAPES,
  classIndex,
  generateScene,
  heldOutSeed,
  insideShape,
  presentClasses,
  sceneLabels,
  scenesToTensor,
  trainingSeed,
} from '../src/index.js';

const randomSeeds = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 2 ** 32));

describe('scene generator', () => {
  it('is a pure function of the seed', () => {
    for (const seed of randomSeeds(5)) {
      const a = generateScene(seed);
      const b = generateScene(seed);
      expect(b.image).toEqual(a.image);
      expect(b.objects.map((o) => [o.shape, o.colour, o.box, o.centre])).toEqual(a.objects.map((o) => [o.shape, o.colour, o.box, o.centre]));
      const c = generateScene(seed + 1);
      expect(c.image).not.toEqual(a.image);
    }
  });

  it('draws 1–4 objects, every count and every shape and colour occurring', () => {
    const counts = new Set<number>();
    const shapes = new Set<string>();
    const colours = new Set<string>();
    for (const seed of randomSeeds(300)) {
      const s = generateScene(seed);
      expect(s.objects.length).toBeGreaterThanOrEqual(1);
      expect(s.objects.length).toBeLessThanOrEqual(4);
      counts.add(s.objects.length);
      s.objects.forEach((o) => (shapes.add(o.shape), colours.add(o.colour)));
    }
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    expect(shapes.size).toBe(SHAPES.length);
    expect(colours.size).toBe(COLOURS.length);
    expect(SHAPES.length).toBeGreaterThanOrEqual(4);
    expect(COLOURS.length).toBeGreaterThanOrEqual(6);
  });

  it('returns tight boxes around the masks, disjoint masks, separated boxes and pixels of the object colour', () => {
    for (const seed of randomSeeds(100)) {
      const s = generateScene(seed);
      const owner = new Int8Array(SCENE_SIZE * SCENE_SIZE).fill(-1);
      for (const o of s.objects) {
        let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
        const mean = [0, 0, 0];
        let n = 0;
        for (let p = 0; p < o.mask.length; p++) {
          if (!o.mask[p]) continue;
          expect(owner[p]).toBe(-1);
          owner[p] = o.id;
          const x = p % SCENE_SIZE;
          const y = Math.floor(p / SCENE_SIZE);
          [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
          for (let c = 0; c < 3; c++) mean[c]! += s.image[p * 3 + c]!;
          n++;
        }
        expect(o.box).toEqual({ x1, y1, x2, y2 });
        expect(n).toBeGreaterThan(30);
        const rgb = COLOUR_RGB[o.colour];
        for (let c = 0; c < 3; c++) expect(Math.abs(mean[c]! / n - rgb[c]!)).toBeLessThan(0.1);
        expect(o.box.x1).toBeGreaterThanOrEqual(0);
        expect(o.box.x2).toBeLessThanOrEqual(SCENE_SIZE);
      }
      for (const a of s.objects) {
        for (const b of s.objects) {
          if (a.id >= b.id) continue;
          const apart = a.box.x2 + OBJECT_GAP <= b.box.x1 || b.box.x2 + OBJECT_GAP <= a.box.x1 || a.box.y2 + OBJECT_GAP <= b.box.y1 || b.box.y2 + OBJECT_GAP <= a.box.y1;
          expect(apart).toBe(true);
        }
      }
      if (s.objects.length === 2) {
        const [a, b] = s.objects as [(typeof s.objects)[0], (typeof s.objects)[0]];
        const dx = Math.abs(a.centre.x - b.centre.x);
        const dy = Math.abs(a.centre.y - b.centre.y);
        expect(Math.abs(dx - dy)).toBeGreaterThanOrEqual(RELATION_MARGIN);
      }
    }
  });

  it('draws the shapes with their geometry', () => {
    expect(insideShape('circle', 0.5, 0.5)).toBe(true);
    expect(insideShape('circle', 0.05, 0.05)).toBe(false);
    expect(insideShape('square', 0.05, 0.05)).toBe(true);
    expect(insideShape('triangle', 0.5, 0.1)).toBe(true);
    expect(insideShape('triangle', 0.1, 0.1)).toBe(false);
    expect(insideShape('triangle', 0.1, 0.95)).toBe(true);
    expect(insideShape('cross', 0.5, 0.05)).toBe(true);
    expect(insideShape('cross', 0.1, 0.1)).toBe(false);
    const s = generateScene(7, { objects: 1, shapes: ['circle'], colours: ['red'] });
    const o = s.objects[0]!;
    const area = o.mask.reduce((a, v) => a + v, 0);
    expect(area / (o.size * o.size)).toBeCloseTo(Math.PI / 4, 1);
  });

  it('honours forced shapes and colours and labels scenes by colour-shape pair', () => {
    const s = generateScene(3, { objects: 3, shapes: ['cross', 'cross', 'square'], colours: ['blue', 'blue', 'cyan'] });
    expect(s.objects.map((o) => `${o.colour} ${o.shape}`)).toEqual(['blue cross', 'blue cross', 'cyan square']);
    expect(presentClasses(s)).toEqual([classIndex('blue', 'cross'), classIndex('cyan', 'square')].sort((a, b) => a - b));
    const t = sceneLabels(s);
    expect(t.reduce((a, v) => a + v, 0)).toBe(2);
    expect(t[classIndex('blue', 'cross')]).toBe(1);
  });

  it('keeps training and held-out seeds apart', () => {
    for (const r of randomSeeds(50)) {
      expect(trainingSeed(r, r % 1000)).toBeLessThan(HELD_OUT_SEED_BASE);
      expect(heldOutSeed(r, r % 1000)).toBeGreaterThanOrEqual(HELD_OUT_SEED_BASE);
    }
  });

  it('stacks scenes into NHWC float32 in [0, 1]', () => {
    const scenes = [generateScene(1), generateScene(2)];
    const x = scenesToTensor(scenes);
    expect(x.shape).toEqual([2, SCENE_SIZE, SCENE_SIZE, 3]);
    const d = x.dataSync();
    const p = (5 * SCENE_SIZE + 9) * 3 + 2;
    expect(d[SCENE_SIZE * SCENE_SIZE * 3 + p]).toBeCloseTo(scenes[1]!.image[p]!, 6);
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d)).toBeLessThanOrEqual(1);
    x.dispose();
    expect(() => scenesToTensor([{ width: 32, height: 32, image: new Float32Array(32 * 32 * 3) }])).toThrow(/resize it first/);
    expect(tf.memory().numTensors).toBe(0);
  });
});
