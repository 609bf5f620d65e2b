// A worker pool for explanation throughput (node:worker_threads, no dependencies). tfjs's wasm and
// cpu backends run on one thread, so a batch of images uses one core; a pool of N workers, each with
// its own backend and its own copy of the model, explains N chunks at once.
//
//   const pool = await createExplainPool({ size: 2, model: 'mobilenetv2', backend: 'wasm' });
//   const maps = await pool.explain(images, [32, 224, 224, 3], { method: 'gradcam', targets: 1 }, { chunk: 8 });
//   await pool.close();
//
// `model` names a model of models.mjs (each worker builds or loads it itself); images travel as one
// Float32Array per chunk (copied once), maps come back transferred (no copy).
import { Worker } from 'node:worker_threads';

export async function createExplainPool({ size, model, backend = 'wasm' }) {
  const workers = [];
  for (let i = 0; i < size; i++) {
    const w = new Worker(new URL('./pool-worker.mjs', import.meta.url), { workerData: { model, backend } });
    workers.push(
      await new Promise((resolve, reject) => {
        w.once('message', (m) => (m.ready ? resolve(w) : reject(new Error(m.error))));
        w.once('error', reject);
      }),
    );
  }
  const idle = [...workers];
  const waiting = [];
  let nextId = 0;
  const run = (task) =>
    new Promise((resolve, reject) => {
      const start = (w) => {
        const id = nextId++;
        const onMessage = (m) => {
          if (m.id !== id) return;
          w.off('message', onMessage);
          const next = waiting.shift();
          if (next) next(w);
          else idle.push(w);
          if (m.error) reject(new Error(m.error));
          else resolve(m);
        };
        w.on('message', onMessage);
        w.postMessage({ ...task, id }, [task.images.buffer]);
      };
      const w = idle.pop();
      if (w) start(w);
      else waiting.push(start);
    });
  return {
    size,
    /**
     * Explains a batch [N, H, W, C] in chunks of `chunk` images spread over the workers.
     * @returns maps [N, H, W] as one Float32Array.
     */
    async explain(images, shape, options, { chunk = 8 } = {}) {
      const [n, h, w, c] = shape;
      const per = h * w * c;
      const tasks = [];
      for (let s = 0; s < n; s += chunk) {
        const k = Math.min(chunk, n - s);
        tasks.push(run({ images: images.slice(s * per, (s + k) * per), shape: [k, h, w, c], options }).then((m) => ({ s, ...m })));
      }
      const done = await Promise.all(tasks);
      const maps = new Float32Array(n * h * w);
      for (const d of done) maps.set(d.maps, d.s * h * w);
      return maps;
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}
