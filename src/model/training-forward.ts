import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convBiasRelu } from '../engine/conv-relu.js';

/** A model's forward pass for training: inputs in the order of `model.inputs`, one output. */
export type Forward = (inputs: tf.Tensor[]) => tf.Tensor;

/** What the forward pass needs of a layer; tfjs-layers' Layer type hides `call`. */
interface Callable {
  call(inputs: tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
  kernel?: { read(): tf.Tensor };
  bias?: { read(): tf.Tensor };
}

/** A symbolic tensor of the model's graph, as tfjs-layers' executor walks it. */
interface Symbolic {
  name: string;
  inputs: Symbolic[];
  sourceLayer: Callable;
}

/** A 3×3-style Conv2D with bias and ReLU at unit dilation: the layers `convBiasRelu` serves. */
function isConvRelu(layer: Callable): boolean {
  if (layer.getClassName() !== 'Conv2D') return false;
  const c = layer.getConfig();
  const dilation = [c.dilationRate].flat();
  return (
    c.activation === 'relu' &&
    c.useBias === true &&
    c.dataFormat === 'channelsLast' &&
    (c.padding === 'same' || c.padding === 'valid') &&
    dilation.every((d) => d === 1)
  );
}

/**
 * The symbolic tensors from the inputs to `fetch`, in the order tfjs-layers' `execute` runs them
 * (its getTopologicalSortAndRecipientCountsForOneFetch: a depth-first walk from the output). Copied
 * rather than imported because the package exports only its bundle, not that function; the order
 * matters, since it decides how the tape sums the gradients of a tensor that several layers use.
 */
function executionOrder(fetch: Symbolic, fed: readonly string[]): Symbolic[] {
  const visited = new Set(fed);
  const sorted: Symbolic[] = [];
  const stack = [fetch];
  const marks: number[] = [];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (visited.has(top.name)) {
      stack.pop();
      continue;
    }
    const marked = marks[marks.length - 1] === stack.length - 1;
    if (top.inputs.length === 0 || marked) {
      stack.pop();
      sorted.push(top);
      visited.add(top.name);
      if (marked) marks.pop();
    } else {
      marks.push(stack.length - 1);
      for (const input of top.inputs) if (!visited.has(input.name)) stack.push(input);
    }
  }
  return sorted;
}

/**
 * The forward pass of a functional `model` as training runs it, with the same ops in the same
 * order (so the same bits, forward and backward) as `model.apply(inputs, { training: true })`: each
 * layer's own `call` in the order of tfjs-layers' executor, less its per-layer bookkeeping (input
 * checks, name scopes, feed dictionaries), and with Conv2D + ReLU layers run as
 * engine/conv-relu.ts's `convBiasRelu`, which needs fewer kernels for the same numbers.
 * test/model/training-forward.test.ts checks outputs and gradients bit for bit on the U-Nets.
 */
export function trainingForward(model: tfl.LayersModel): Forward {
  const inputs = model.inputs as unknown as Symbolic[];
  if (model.outputs.length !== 1) throw new Error('trainingForward: a model with one output');
  const order = executionOrder(
    model.outputs[0] as unknown as Symbolic,
    inputs.map((t) => t.name),
  );
  const steps = order
    .filter((symbolic) => symbolic.sourceLayer.getClassName() !== 'InputLayer')
    .map((symbolic) => {
      const layer = symbolic.sourceLayer;
      const c = layer.getConfig();
      const run: (x: tf.Tensor[]) => tf.Tensor = isConvRelu(layer)
        ? ([x]) =>
            convBiasRelu(x as tf.Tensor4D, layer.kernel!.read() as tf.Tensor4D, layer.bias!.read() as tf.Tensor1D, {
              strides: [c.strides].flat() as [number, number],
              pad: c.padding as 'same' | 'valid',
            })
        : (x) => [layer.call(x, { training: true })].flat()[0];
      return { run, inputs: symbolic.inputs.map((t) => t.name), output: symbolic.name };
    });
  return (values) => {
    const computed = new Map<string, tf.Tensor>(inputs.map((t, i) => [t.name, values[i]]));
    for (const step of steps) computed.set(step.output, step.run(step.inputs.map((name) => computed.get(name)!)));
    return computed.get(steps[steps.length - 1].output)!;
  };
}
