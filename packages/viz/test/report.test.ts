import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../src/base64.js';
import { guidedGradCam, renderGradients } from '../src/guided.js';
import { readFileSync } from 'node:fs';
import { renderReport } from '../src/report.js';

const ref = JSON.parse(readFileSync(new URL('./fixtures/opencv-reference.json', import.meta.url), 'utf8')) as {
  deprocess: { width: number; height: number; gradients: number[]; expected: number[] };
};

describe('base64', () => {
  it('matches Node Buffer for every padding case and round-trips', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 255);
      const b64 = toBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(fromBase64(b64))).toEqual(Array.from(bytes));
    }
    expect(() => fromBase64('ab$c')).toThrow("not base64: '$'");
  });
});

describe('renderReport', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 250]);
  const html = renderReport(
    [
      {
        name: 'cat <1>.png',
        width: 451,
        height: 300,
        original: { mime: 'image/png', data: png },
        predictions: [{ label: 'tabby', probability: 0.523 }],
        explanations: [{ title: '281 tabby, tabby cat', image: { mime: 'image/jpeg', data: new Uint8Array([255, 216, 255]) }, score: 0.523, probability: 0.523 }, { title: 'logit one', image: { mime: 'image/png', data: png }, score: 12.25, scoreName: 'logit' }],
      },
      { name: 'broken.png', explanations: [], error: "cannot read image 'broken.png': not an image" },
    ],
    { model: 'mobilenet-v1 (layers)', method: 'Grad-CAM', layer: 'conv_pw_13_relu', colormap: 'jet', alpha: 0.5, generated: '2025-01-01T00:00:00Z' },
  );

  it('is one self-contained page: images inlined as data URIs that decode to the given bytes, nothing external', () => {
    const uris = [...html.matchAll(/src="data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]+)"/g)];
    expect(uris.map((u) => u[1])).toEqual(['image/png', 'image/jpeg', 'image/png']);
    expect(Array.from(fromBase64(uris[0]![2]!))).toEqual(Array.from(png));
    expect(Array.from(fromBase64(uris[1]![2]!))).toEqual([255, 216, 255]);
    expect(html).not.toMatch(/<script|https?:\/\/|<link /);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('shows the model, method, layer, colormap bar, scores, predictions and errors, HTML-escaped', () => {
    expect(html).toContain('model <code>mobilenet-v1 (layers)</code>');
    expect(html).toContain('method <b>Grad-CAM</b>');
    expect(html).toContain('layer <code>conv_pw_13_relu</code>');
    expect(html).toContain('linear-gradient(to right,rgb(0,0,128) 0.00%,'); // jet level 0
    expect(html).toContain('rgb(128,0,0) 100.00%)'); // jet level 255
    expect(html).toContain('<h2>cat &lt;1&gt;.png <span class="dim">451×300</span></h2>');
    expect(html).toContain('<b>281 tabby, tabby cat</b><br><span class="num">p = 0.523 · score 0.523</span>');
    expect(html).toContain('predictions: tabby <span class="num">0.523</span>');
    expect(html).toContain('<p class="error">cannot read image &#39;broken.png&#39;: not an image</p>');
    expect(html).toContain('<b>logit one</b><br><span class="num">logit 12.250</span>');
    expect(html).toContain('2 inputs, 2 explanations, 1 failed · 2025-01-01T00:00:00Z');
  });
});

describe('guided gradients', () => {
  it("renderGradients equals pytorch-grad-cam's deprocess_image", () => {
    const d = ref.deprocess;
    expect(Array.from(renderGradients(d.gradients, d.width, d.height).data)).toEqual(d.expected);
  });

  it('zero gradients render mid-grey (127); guidedGradCam multiplies every channel by the CAM', () => {
    expect(Array.from(renderGradients(new Float32Array(3), 1, 1).data)).toEqual([127, 127, 127]);
    const g = guidedGradCam({ width: 2, height: 1, data: new Float32Array([0.5, 0]) }, [2, -4, 6, 1, 1, 1]);
    expect(Array.from(g)).toEqual([1, -2, 3, 0, 0, 0]);
    expect(() => guidedGradCam({ width: 2, height: 1, data: new Float32Array(2) }, [1, 2, 3])).toThrow(
      'gradients must hold 2×1×3 = 6 values (HWC) to match the CAM; got 3',
    );
  });
});
