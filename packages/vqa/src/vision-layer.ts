/**
 * The default cut of CLIP's vision tower. CLIP's image embedding reads only the CLS token of the last
 * layer's output, so a cut there gives the patch tokens no gradient. Like pytorch-grad-cam's recipe for
 * ViT/CLIP (`vision_model.encoder.layers[-1].layer_norm1`), cut at the input of the last layer's
 * attention: its output is mixed into CLS by that attention, so every patch gets a gradient.
 */
import type { OnnxSession } from '@gradcam/onnx';

const LAYER = /^\/vision_model\/encoder\/layers\.(\d+)\/layer_norm1\//;

/**
 * The output tensor of the last vision layer's `layer_norm1` (optimum's naming: e.g.
 * `/vision_model/encoder/layers.11/layer_norm1/Add_1_output_0`, or `…/LayerNormalization_output_0` at
 * opset 17): the tensor of that scope read by a node outside it.
 * @returns its name; throws when the graph has no such scope (then pass `layer`).
 */
export function defaultVisionLayer(session: OnnxSession): string {
  const nodes = session.model.graph.nodes;
  let last = -1;
  for (const n of nodes) {
    const m = LAYER.exec(n.outputs[0] ?? '');
    if (m) last = Math.max(last, Number(m[1]));
  }
  if (last < 0) throw new Error("cannot find the vision tower's layers (/vision_model/encoder/layers.N/layer_norm1/…): pass `layer` (see session.tensorNames())");
  const prefix = `/vision_model/encoder/layers.${last}/layer_norm1/`;
  const inScope = (name: string) => name.startsWith(prefix);
  for (const n of nodes) {
    for (const out of n.outputs) {
      if (!out || !inScope(out)) continue;
      if (session.consumersOf(out).some((c) => !c.outputs.some((o) => o && inScope(o)))) return out;
    }
  }
  throw new Error(`the scope ${prefix} has no output read outside it: pass \`layer\``);
}
