/**
 * Node-only helpers of @gradcam/core (`@gradcam/core/node`): load tfjs models from local files
 * without `@tensorflow/tfjs-node`. Not imported by the browser entry.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';

/** An IOHandler that reads a tfjs `model.json` and its weight shards from disk. */
export function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        throw new Error(`cannot read tfjs model '${modelJsonPath}': ${(e as Error).message}`);
      }
      const dir = dirname(modelJsonPath);
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(await readFile(join(dir, decodeURIComponent(p))));
      }
      const all = Buffer.concat(buffers);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        userDefinedMetadata: json.userDefinedMetadata,
      };
      if (json.signature) artifacts.signature = json.signature;
      if (json.modelInitializer) artifacts.modelInitializer = json.modelInitializer;
      return artifacts;
    },
  };
}

/** Loads a tfjs layers model (`model.json` + shards) from disk. */
export function loadLayersModelFromFile(modelJsonPath: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileHandler(modelJsonPath));
}

/** Loads a tfjs graph model (`model.json` + shards) from disk. */
export function loadGraphModelFromFile(modelJsonPath: string): Promise<GraphModel> {
  return loadGraphModel(fileHandler(modelJsonPath));
}
