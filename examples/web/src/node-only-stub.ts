/**
 * Stands in for Node-only modules (`@gradcam/core/node`, `node:fs`, `node:path`, `node:url`) that a
 * package's browser entry imports lazily on a Node-only path. Any use fails with a clear message.
 */
function nodeOnly(): never {
  throw new Error('this code path needs Node.js (file system access); in the browser, load models from a URL');
}
export const fileURLToPath = nodeOnly;
export const join = nodeOnly;
export const existsSync = nodeOnly;
export const loadLayersModelFromFile = nodeOnly;
export default {};
