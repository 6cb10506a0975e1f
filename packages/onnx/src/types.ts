// Plain-object shapes of the ONNX messages as the codec returns them: snake_case field names as in the
// ONNX spec, repeated fields always present (possibly empty), int64 as number, bytes as Uint8Array.

export interface StringStringEntry { key?: string; value?: string }
export interface OperatorSetId { domain?: string; version?: number }

export interface Dimension { dim_value?: number; dim_param?: string; denotation?: string }
export interface TensorShape { dim: Dimension[] }

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: TensorShape };
  sequence_type?: { elem_type?: TypeProto };
  map_type?: { key_type?: number; value_type?: TypeProto };
  optional_type?: { elem_type?: TypeProto };
  sparse_tensor_type?: { elem_type?: number; shape?: TensorShape };
  opaque_type?: { domain?: string; name?: string };
  denotation?: string;
}

export interface ValueInfo {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
  metadata_props: StringStringEntry[];
}

export interface Tensor {
  dims: number[];
  data_type?: number;
  segment?: { begin?: number; end?: number };
  float_data: number[];
  int32_data: number[];
  string_data: Uint8Array[];
  int64_data: number[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data: StringStringEntry[];
  data_location?: number;
  double_data: number[];
  uint64_data: number[];
  metadata_props: StringStringEntry[];
}

export interface SparseTensor { values?: Tensor; indices?: Tensor; dims: number[] }

export interface Attribute {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: Tensor;
  g?: Graph;
  sparse_tensor?: SparseTensor;
  tp?: TypeProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: Tensor[];
  graphs: Graph[];
  sparse_tensors: SparseTensor[];
  type_protos: TypeProto[];
}

export interface Node {
  input: string[];
  output: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  overload?: string;
  attribute: Attribute[];
  doc_string?: string;
  metadata_props: StringStringEntry[];
  /** Multi-device sharding (IR 11); optional here so builders need not write it; the codec always fills it. */
  device_configurations?: NodeDeviceConfiguration[];
}

export interface NodeDeviceConfiguration {
  configuration_id?: string;
  sharding_spec: Array<{
    tensor_name?: string;
    device: number[];
    index_to_device_group_map: Array<{ key?: number; value: number[] }>;
    sharded_dim: Array<{ axis?: number; simple_sharding: Array<{ dim_value?: number; dim_param?: string; num_shards?: number }> }>;
  }>;
  pipeline_stage?: number;
}

export interface DeviceConfiguration { name?: string; num_devices?: number; device: string[] }

export interface TensorAnnotation { tensor_name?: string; quant_parameter_tensor_names: StringStringEntry[] }

export interface Graph {
  node: Node[];
  name?: string;
  initializer: Tensor[];
  sparse_initializer: SparseTensor[];
  doc_string?: string;
  input: ValueInfo[];
  output: ValueInfo[];
  value_info: ValueInfo[];
  quantization_annotation: TensorAnnotation[];
  metadata_props: StringStringEntry[];
}

export interface FunctionProto {
  name?: string;
  input: string[];
  output: string[];
  attribute: string[];
  attribute_proto: Attribute[];
  node: Node[];
  doc_string?: string;
  opset_import: OperatorSetId[];
  domain?: string;
  overload?: string;
  value_info: ValueInfo[];
  metadata_props: StringStringEntry[];
}

export interface TrainingInfo {
  initialization?: Graph;
  algorithm?: Graph;
  initialization_binding: StringStringEntry[];
  update_binding: StringStringEntry[];
}

export interface Model {
  ir_version?: number;
  opset_import: OperatorSetId[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph?: Graph;
  metadata_props: StringStringEntry[];
  training_info: TrainingInfo[];
  functions: FunctionProto[];
  /** Devices a multi-device model is sharded over (IR 11); optional here, always filled by the codec. */
  configuration?: DeviceConfiguration[];
}

/**
 * A field found in the bytes that this schema does not define; the codec reports these rather than dropping
 * them silently. `path` names the message holding it, e.g. "model.graph.node[3]".
 */
export interface UnknownField { path: string; fieldNumber: number; wireType: number }

/** An int64/uint64 value (as a decimal string) that a JavaScript number cannot hold exactly, at "path.field[i]". */
export interface InexactInteger { path: string; value: string }
