/**
 * @gradcam/onnx — differentiable ONNX on TensorFlow.js.
 *
 * Parses `.onnx` files, runs their graphs node by node with tfjs ops (so `tf.grad` works), lets the
 * caller feed any intermediate tensor and read any tensor, and cuts a model into a `{ trunk, head }`
 * pair for `@gradcam/core`. ONNX layouts are NCHW; the cut adapts them to core's NHWC convention.
 */
export { OnnxSession } from './executor.js';
export type { Feed } from './executor.js';
export { cutOnnx } from './cut.js';
export type { ActivationLayout, CutOnnxOptions } from './cut.js';
export { parseModel, OnnxGraph, Attributes } from './model.js';
export type { OnnxModel, OnnxNode, ValueInfo, AttributeValue } from './model.js';
export { Value } from './value.js';
export type { RuntimeValue, SequenceValue, OptionalValue } from './value.js';
export type { DType } from './dtypes.js';
export { dtypeFromCode, dtypeCode } from './dtypes.js';
export { tensorFromProto, tensorToProto, sizeOf } from './tensor-data.js';
export type { TensorData, ElementData } from './tensor-data.js';
export { decodeModel, decodeTensorProto, encodeModel, encodeTensorProto, int64ToNumber, ONNX_PROTO_DESCRIPTOR } from './proto.js';
export type { ModelProtoMsg, GraphProtoMsg, NodeProtoMsg, TensorProtoMsg, AttributeProtoMsg } from './proto.js';
export { buildModel } from './writer.js';
export type { ModelSpec, NodeSpec, ValueSpec } from './writer.js';
export { listOps, registerOp, getOp } from './ops/index.js';
export type { OpContext, OpKernel, OpOptions } from './ops/index.js';
