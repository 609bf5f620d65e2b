import { defineConfig } from 'vite';

// The @gradcam/* packages' browser entries have no Node-only import (@gradcam/scenes resolves its Node
// entry, which reads weights from disk, only under the `node` export condition), so no aliases are needed.
export default defineConfig({
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 4000, sourcemap: false },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
