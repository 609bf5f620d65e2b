import * as tf from '@tensorflow/tfjs-core';
import { listLayers } from '@gradcam/core';
import type { LayersArgs } from './args.js';
import type { Streams } from './console.js';
import { EXIT_OK } from './errors.js';
import { loadModel } from './model-source.js';

/**
 * `gradcam layers`: the model's candidate target layers (spatial NHWC outputs; every layer with `--all`)
 * with kind and output shape, the default target marked `*`; or the same as JSON.
 * @returns the exit status (0).
 */
export async function layersCommand(args: LayersArgs, io: Streams): Promise<number> {
  const { classifier, description } = await loadModel(args);
  try {
    const probe = tf.zeros([1, classifier.inputSize[0], classifier.inputSize[1], 3]);
    let layers;
    try {
      layers = listLayers(classifier.model, probe);
    } finally {
      probe.dispose();
    }
    const shown = args.all ? layers : layers.filter((l) => l.spatial);
    if (args.json) {
      io.out.write(`${JSON.stringify({ model: classifier.name, default: classifier.layer, layers: shown.map((l) => ({ ...l, default: l.name === classifier.layer })) }, null, 2)}\n`);
      return EXIT_OK;
    }
    io.out.write(`model: ${description}\n`);
    io.out.write(`${shown.length} ${args.all ? 'layers' : 'layers with spatial outputs (CAM targets)'}; * = default target\n`);
    const nameW = Math.max(4, ...shown.map((l) => l.name.length));
    const kindW = Math.max(4, ...shown.map((l) => l.kind.length));
    for (const l of shown) {
      const mark = l.name === classifier.layer ? '*' : ' ';
      const shape = `[${l.shape.map((d) => (d === null || d === -1 ? 'N' : d)).join(', ')}]`;
      io.out.write(`${mark} ${l.name.padEnd(nameW)}  ${l.kind.padEnd(kindW)}  ${shape}${args.all && !l.spatial ? '' : ''}\n`);
    }
    return EXIT_OK;
  } finally {
    classifier.dispose?.();
  }
}
