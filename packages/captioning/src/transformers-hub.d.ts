/**
 * Types of the transformers.js 2.17 module that resolves model files (`src/utils/hub.js`). The package
 * has no `exports` map, so the module is importable, but its declaration lives under `types/`, which
 * TypeScript does not find for a deep `src/` import.
 */
declare module '@xenova/transformers/src/utils/hub.js' {
  /**
   * Resolves `filename` of model `path_or_repo_id` the way transformers.js loads every model file:
   * `env.localModelPath` first, then the Hugging Face Hub (when `env.allowRemoteModels`) with its cache.
   * @returns the file's bytes, or `null` when it is missing and `fatal` is false.
   */
  export function getModelFile(
    path_or_repo_id: string,
    filename: string,
    fatal?: boolean,
    options?: Record<string, unknown>,
  ): Promise<Uint8Array | null>;
}
