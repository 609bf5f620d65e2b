import { createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, defineConfig } from 'vite';

/**
 * `npm run dev` / `npm run preview` also serve the project's test models (`../shared/models`, when that
 * folder exists) under `/models/`, so that a transformers.js model folder such as `/models/tiny-vit-gpt2/`
 * can be captioned offline. Nothing of it goes into the build.
 */
function sharedModels(): Plugin {
  const dir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'models');
  const middleware = (req: { url?: string }, res: import('node:http').ServerResponse, next: () => void) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/models/') || !existsSync(dir)) return next();
    const file = join(dir, normalize(path.slice('/models/'.length)).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
    res.setHeader('content-type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('content-length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  };
  return {
    name: 'gradcam-shared-models',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

// The @gradcam/* packages' browser entries have no Node-only import (@gradcam/scenes resolves its Node
// entry, which reads weights from disk, only under the `node` export condition), so no aliases are needed.
// transformers.js resolves to its browser build (onnxruntime-web; its `browser` field drops fs/sharp/onnxruntime-node).
export default defineConfig({
  base: './',
  plugins: [sharedModels()],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // onnxruntime-web 1.14's prebuilt bundle uses eval (emscripten glue): known, harmless here.
        if (warning.code === 'EVAL' && warning.id?.includes('onnxruntime-web')) return;
        warn(warning);
      },
    },
  },
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
