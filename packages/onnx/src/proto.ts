/**
 * The subset of the ONNX protobuf schema (`onnx.proto`, proto2, package `onnx`) that gradcam reads and
 * writes, as a protobufjs JSON descriptor. Message and field numbers follow the official schema
 * (onnx 1.12 `onnx/onnx.proto`); fields gradcam never reads (training info, functions, sparse
 * initializers' details…) are still declared where it costs nothing so that a decode/encode round
 * trip keeps them. Field names are the camelCase forms protobufjs uses.
 */
import protobuf from 'protobufjs/light.js';

type FieldSpec = { type: string; id: number; rule?: 'repeated'; options?: { packed: boolean } };
const f = (type: string, id: number): FieldSpec => ({ type, id });
const rep = (type: string, id: number, packed = false): FieldSpec => ({ type, id, rule: 'repeated', options: { packed } });

/** protobufjs JSON descriptor of the ONNX messages (official field numbers). */
export const ONNX_PROTO_DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1),
            refAttrName: f('string', 21),
            docString: f('string', 13),
            type: f('AttributeType', 20),
            f: f('float', 2),
            i: f('int64', 3),
            s: f('bytes', 4),
            t: f('TensorProto', 5),
            g: f('GraphProto', 6),
            sparseTensor: f('SparseTensorProto', 22),
            tp: f('TypeProto', 14),
            floats: rep('float', 7),
            ints: rep('int64', 8),
            strings: rep('bytes', 9),
            tensors: rep('TensorProto', 10),
            graphs: rep('GraphProto', 11),
            sparseTensors: rep('SparseTensorProto', 23),
            typeProtos: rep('TypeProto', 15),
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
                FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) },
        },
        NodeProto: {
          fields: {
            input: rep('string', 1),
            output: rep('string', 2),
            name: f('string', 3),
            opType: f('string', 4),
            domain: f('string', 7),
            attribute: rep('AttributeProto', 5),
            docString: f('string', 6),
          },
        },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1),
            opsetImport: rep('OperatorSetIdProto', 8),
            producerName: f('string', 2),
            producerVersion: f('string', 3),
            domain: f('string', 4),
            modelVersion: f('int64', 5),
            docString: f('string', 6),
            graph: f('GraphProto', 7),
            metadataProps: rep('StringStringEntryProto', 14),
            functions: rep('FunctionProto', 25),
          },
        },
        StringStringEntryProto: { fields: { key: f('string', 1), value: f('string', 2) } },
        GraphProto: {
          fields: {
            node: rep('NodeProto', 1),
            name: f('string', 2),
            initializer: rep('TensorProto', 5),
            sparseInitializer: rep('SparseTensorProto', 15),
            docString: f('string', 10),
            input: rep('ValueInfoProto', 11),
            output: rep('ValueInfoProto', 12),
            valueInfo: rep('ValueInfoProto', 13),
          },
        },
        TensorProto: {
          fields: {
            dims: rep('int64', 1, true),
            dataType: f('int32', 2),
            segment: f('Segment', 3),
            floatData: rep('float', 4, true),
            int32Data: rep('int32', 5, true),
            stringData: rep('bytes', 6),
            int64Data: rep('int64', 7, true),
            name: f('string', 8),
            docString: f('string', 12),
            rawData: f('bytes', 9),
            externalData: rep('StringStringEntryProto', 13),
            dataLocation: f('int32', 14),
            doubleData: rep('double', 10, true),
            uint64Data: rep('uint64', 11, true),
          },
          nested: { Segment: { fields: { begin: f('int64', 1), end: f('int64', 2) } } },
        },
        SparseTensorProto: {
          fields: { values: f('TensorProto', 1), indices: f('TensorProto', 2), dims: rep('int64', 3, true) },
        },
        TensorShapeProto: {
          fields: { dim: rep('Dimension', 1) },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: f('int64', 1), dimParam: f('string', 2), denotation: f('string', 3) },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType', 'sequenceType', 'mapType', 'optionalType', 'sparseTensorType'] } },
          fields: {
            tensorType: f('Tensor', 1),
            sequenceType: f('Sequence', 4),
            mapType: f('Map', 5),
            optionalType: f('Optional', 9),
            sparseTensorType: f('SparseTensor', 8),
            denotation: f('string', 6),
          },
          nested: {
            Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } },
            Sequence: { fields: { elemType: f('TypeProto', 1) } },
            Map: { fields: { keyType: f('int32', 1), valueType: f('TypeProto', 2) } },
            Optional: { fields: { elemType: f('TypeProto', 1) } },
            SparseTensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } },
          },
        },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
        // onnx-data.proto (the test suite stores sequence and optional inputs/outputs this way).
        SequenceProto: {
          fields: {
            name: f('string', 1),
            elemType: f('int32', 2),
            tensorValues: rep('TensorProto', 3),
            sparseTensorValues: rep('SparseTensorProto', 4),
            sequenceValues: rep('SequenceProto', 5),
            optionalValues: rep('OptionalProto', 7),
          },
        },
        OptionalProto: {
          fields: {
            name: f('string', 1),
            elemType: f('int32', 2),
            tensorValue: f('TensorProto', 3),
            sparseTensorValue: f('SparseTensorProto', 4),
            sequenceValue: f('SequenceProto', 5),
            optionalValue: f('OptionalProto', 7),
          },
        },
        FunctionProto: {
          fields: {
            name: f('string', 1),
            input: rep('string', 4),
            output: rep('string', 5),
            attribute: rep('string', 6),
            node: rep('NodeProto', 7),
            docString: f('string', 8),
            opsetImport: rep('OperatorSetIdProto', 9),
            domain: f('string', 10),
          },
        },
      },
    },
  },
} as const;

/** An int64 as protobufjs decodes it: a number (no `long` package) or a Long-like object. */
export type Int64 = number | { toNumber(): number; low: number; high: number; unsigned?: boolean };

/** Plain-object views of the decoded messages (only the fields gradcam reads are typed). */
export interface TensorProtoMsg {
  dims: Int64[];
  dataType: number;
  floatData: number[];
  int32Data: number[];
  stringData: Uint8Array[];
  int64Data: Int64[];
  name: string;
  rawData: Uint8Array;
  externalData: Array<{ key: string; value: string }>;
  dataLocation: number;
  doubleData: number[];
  uint64Data: Int64[];
}
/** A decoded `AttributeProto`. */
export interface AttributeProtoMsg {
  name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorProtoMsg | null;
  g?: GraphProtoMsg | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorProtoMsg[];
  graphs: GraphProtoMsg[];
  refAttrName: string;
}
/** A decoded `NodeProto`. */
export interface NodeProtoMsg {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: AttributeProtoMsg[];
}
/** One dimension of a decoded `TensorShapeProto`. */
export interface TensorShapeDimMsg {
  dimValue?: Int64 | null;
  dimParam?: string | null;
}
/** A decoded `TypeProto` (tensor types only are typed). */
export interface TypeProtoMsg {
  tensorType?: { elemType: number; shape?: { dim: TensorShapeDimMsg[] } | null } | null;
}
/** A decoded `ValueInfoProto`. */
export interface ValueInfoProtoMsg {
  name: string;
  type?: TypeProtoMsg | null;
}
/** A decoded `GraphProto`. */
export interface GraphProtoMsg {
  node: NodeProtoMsg[];
  name: string;
  initializer: TensorProtoMsg[];
  sparseInitializer: unknown[];
  input: ValueInfoProtoMsg[];
  output: ValueInfoProtoMsg[];
  valueInfo: ValueInfoProtoMsg[];
}
/** A decoded `ModelProto`. */
export interface ModelProtoMsg {
  irVersion: Int64;
  opsetImport: Array<{ domain: string; version: Int64 }>;
  producerName: string;
  producerVersion: string;
  graph?: GraphProtoMsg | null;
  functions: unknown[];
}

let root: protobuf.Root | undefined;
function type(name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_PROTO_DESCRIPTOR as unknown as protobuf.INamespace);
  return root.lookupType(`onnx.${name}`);
}

/** Converts a decoded int64 (number or Long) to a JS number (exact up to 2^53). */
export function int64ToNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes a serialized `ModelProto` (the bytes of a `.onnx` file). */
export function decodeModel(bytes: Uint8Array): ModelProtoMsg {
  return type('ModelProto').decode(bytes) as unknown as ModelProtoMsg;
}

/** Decodes a serialized `TensorProto` (the `input_*.pb` / `output_*.pb` files of the ONNX test suite). */
export function decodeTensorProto(bytes: Uint8Array): TensorProtoMsg {
  return type('TensorProto').decode(bytes) as unknown as TensorProtoMsg;
}

/** A decoded onnx-data `SequenceProto` (elem_type 1 = tensors, 3 = sequences, 5 = optionals). */
export interface SequenceProtoMsg {
  name: string;
  elemType: number;
  tensorValues: TensorProtoMsg[];
  sequenceValues: SequenceProtoMsg[];
  optionalValues: OptionalProtoMsg[];
}
/** A decoded onnx-data `OptionalProto` (elem_type 0 = empty, 1 = tensor, 3 = sequence). */
export interface OptionalProtoMsg {
  name: string;
  elemType: number;
  tensorValue?: TensorProtoMsg | null;
  sequenceValue?: SequenceProtoMsg | null;
  optionalValue?: OptionalProtoMsg | null;
}

/** Decodes a serialized onnx-data `SequenceProto`. */
export function decodeSequenceProto(bytes: Uint8Array): SequenceProtoMsg {
  return type('SequenceProto').decode(bytes) as unknown as SequenceProtoMsg;
}

/** Decodes a serialized onnx-data `OptionalProto`. */
export function decodeOptionalProto(bytes: Uint8Array): OptionalProtoMsg {
  return type('OptionalProto').decode(bytes) as unknown as OptionalProtoMsg;
}

/** Encodes a `ModelProto` given as a plain object (camelCase field names, see {@link ONNX_PROTO_DESCRIPTOR}). */
export function encodeModel(model: object): Uint8Array {
  const t = type('ModelProto');
  const err = t.verify(model);
  if (err) throw new Error(`invalid ModelProto: ${err}`);
  return t.encode(t.fromObject(model)).finish();
}

/** Encodes a `TensorProto` given as a plain object. */
export function encodeTensorProto(tensor: object): Uint8Array {
  const t = type('TensorProto');
  return t.encode(t.fromObject(tensor)).finish();
}
