// One worker of pool.mjs: its own tfjs backend and model; explains the chunks it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { explainSync, initBackend } from '@gradcam/core';
import { MODELS } from './models.mjs';

process.env.GRADCAM_QUIET ??= '1';
try {
  await initBackend({ backend: workerData.backend });
  const model = await MODELS[workerData.model].build();
  parentPort.on('message', ({ id, images, shape, options }) => {
    try {
      const x = tf.tensor4d(images, shape);
      const r = explainSync(model, x, options);
      const maps = r.maps.dataSync().slice();
      r.dispose();
      x.dispose();
      parentPort.postMessage({ id, maps }, [maps.buffer]);
    } catch (e) {
      parentPort.postMessage({ id, error: String(e?.stack ?? e) });
    }
  });
  parentPort.postMessage({ ready: true });
} catch (e) {
  parentPort.postMessage({ error: String(e?.stack ?? e) });
}
