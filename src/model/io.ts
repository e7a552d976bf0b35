import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../errors.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * Saves a LayersModel in the TF.js format (model.json + weights.bin) that `tf.loadLayersModel`
 * reads; tfjs-core has no file-system handler without tfjs-node, so this is the handler.
 * Not atomic on its own: callers write into a temp folder and rename it.
 */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? [])));
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Loads a model saved by `saveLayersModel` (or any TF.js layers model with one weights file). */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  const path = join(dir, MODEL_JSON);
  const json = JSON.parse(
    await readFile(path, 'utf8').catch(() => {
      throw errors.missingFile(path, 'The checkpoint is incomplete; delete it to retrain.');
    }),
  ) as tf.io.ModelJSON;
  const weights = await readFile(join(dir, WEIGHTS_BIN));
  const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: data }),
  );
}

/** Saves named tensors as a weights manifest (JSON) + one binary file. */
export async function saveTensors(tensors: tf.NamedTensorMap, dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await writeFile(join(dir, `${name}.bin`), new Uint8Array(data));
  await writeFile(join(dir, `${name}.json`), JSON.stringify(specs));
}

/** Loads tensors saved by `saveTensors` (owned by the caller). */
export async function loadTensors(dir: string, name: string): Promise<tf.NamedTensorMap> {
  const specs = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = await readFile(join(dir, `${name}.bin`));
  return tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
}
