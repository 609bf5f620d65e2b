// Where the model input lies in the photo (no assets needed): transformers.js processors as plain objects.
import { RawImage } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { inputRegion } from '../src/region.js';
import type { ProcessorLike } from '../src/transformers-types.js';

const photo = new RawImage(new Uint8Array(451 * 300 * 3), 451, 300, 3);
const processor = (fe: ProcessorLike['feature_extractor']) => Object.assign(async () => ({ pixel_values: { type: 'float32', dims: [], data: [] } }), { feature_extractor: fe }) as unknown as ProcessorLike;

describe('inputRegion', () => {
  it('is the whole image for a plain resize (ViT)', () => {
    expect(inputRegion(processor({ do_resize: true, size: { height: 224, width: 224 } }), photo)).toEqual({ x: 0, y: 0, width: 451, height: 300 });
  });
  it('is the centred crop of a shortest-edge resize (CLIP)', () => {
    const fe = { do_resize: true, size: { shortest_edge: 224 }, do_center_crop: true, crop_size: 224, get_resize_output_image_size: () => [337, 224] as [number, number] };
    const r = inputRegion(processor(fe), photo);
    expect(r.y).toBe(0);
    expect(r.height).toBe(300);
    expect(r.x).toBeCloseTo((56.5 * 451) / 337, 9);
    expect(r.width).toBeCloseTo((224 * 451) / 337, 9);
  });
});
