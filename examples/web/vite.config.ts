import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Node-only modules that @gradcam/scenes' loadSceneModels imports lazily for its Node path (reading the
// weights from disk). The app always passes an http(s) URL, so that path never runs in the page; the
// aliases keep those modules (and sharp / tfjs-node behind them) out of the browser bundle.
const nodeOnly = fileURLToPath(new URL('./src/node-only-stub.ts', import.meta.url));

export default defineConfig({
  base: './',
  resolve: {
    alias: [
      { find: /^@gradcam\/(core|viz)\/node$/, replacement: nodeOnly },
      { find: /^node:(fs|path|url)$/, replacement: nodeOnly },
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, sourcemap: false },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
