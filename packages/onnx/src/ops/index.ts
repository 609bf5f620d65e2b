/** Imports every op family so that its kernels are registered in the op table. */
import './elementwise.js';
import './unary.js';
import './activation.js';
import './matmul.js';
import './resize.js';
import './conv.js';
import './pool.js';
import './normalization.js';
import './shape.js';
import './indexing.js';
import './reduce.js';
import './generators.js';
import './cast.js';
import './control-flow.js';
import './sequence.js';
import './quantization.js';
import './loss.js';
import './signal.js';
import './detection.js';
import './rnn.js';
import './training.js';
import './text.js';

export { getOp, listOps, registerOp } from './registry.js';
export type { OpContext, OpKernel, OpOptions } from './registry.js';
