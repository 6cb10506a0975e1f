import { PareError } from '@pare/errors';
import { dataTypeFromOrtName } from './dataType';
import { makeTensor, type TensorValues } from './tensorData';
import type { Attribute, Graph, Model, Node, Tensor, ValueInfo } from './types';

/** An attribute value; plain numbers are INT when integral, FLOAT otherwise; use `{ float: x }` to force FLOAT. */
export type AttributeValue = number | string | number[] | string[] | Tensor | Graph | { float: number } | { floats: number[] };

export type Dim = number | string;

export interface BuilderOptions {
  /** Default-domain opset; 17 is the lowest with LayerNormalization. */
  opset?: number;
  /** Extra domains, e.g. { 'com.microsoft': 1 }. */
  domains?: Record<string, number>;
  producer?: string;
}

/** Builds an ONNX model value by value; every method returns the name of the value it made. */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(private readonly name: string, private readonly options: BuilderOptions = {}) {}

  /** A fresh value name with the given prefix. */
  fresh(prefix: string): string {
    let name = `${prefix}_${this.counter++}`;
    while (this.used.has(name)) name = `${prefix}_${this.counter++}`;
    this.used.add(name);
    return name;
  }

  input(name: string, dtype: string, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, dataTypeFromOrtName(dtype), shape));
    return name;
  }

  output(name: string, dtype: string, shape: Dim[]): string {
    this.outputs.push(valueInfo(name, dataTypeFromOrtName(dtype), shape));
    return name;
  }

  initializer(name: string, dtype: string, dims: number[], values: TensorValues | readonly number[]): string {
    this.claim(name);
    this.initializers.push(makeTensor(name, dataTypeFromOrtName(dtype), dims, values));
    return name;
  }

  /** Add a node; returns its output names (one fresh name per output unless `outputs` names them). */
  node(opType: string, inputs: string[], options: { attributes?: Record<string, AttributeValue>; outputs?: string[] | number; domain?: string; name?: string } = {}): string[] {
    const outCount = typeof options.outputs === 'number' ? options.outputs : (options.outputs?.length ?? 1);
    const outputs = Array.isArray(options.outputs) ? options.outputs.map((o) => (this.claim(o), o)) : Array.from({ length: outCount }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      op_type: opType, input: inputs, output: outputs, name: options.name ?? this.fresh(`${opType}_node`),
      domain: options.domain ?? '', attribute: Object.entries(options.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      metadata_props: [],
    });
    return outputs;
  }

  /** Single-output shorthand for `node`. */
  op(opType: string, inputs: string[], attributes?: Record<string, AttributeValue>, domain?: string): string {
    return this.node(opType, inputs, { attributes, domain })[0]!;
  }

  /** The graph alone (for If/Loop bodies). */
  graph(): Graph {
    return {
      node: [...this.nodes], name: this.name, initializer: [...this.initializers], sparse_initializer: [],
      input: [...this.inputs], output: [...this.outputs], value_info: [], quantization_annotation: [], metadata_props: [],
    };
  }

  build(): Model {
    if (this.outputs.length === 0) throw new PareError('onnx_builder', `Graph "${this.name}" has no outputs.`);
    const domains = Object.entries(this.options.domains ?? {}).map(([domain, version]) => ({ domain, version }));
    return {
      ir_version: 8, producer_name: this.options.producer ?? 'pare', producer_version: '0.1.0',
      opset_import: [{ domain: '', version: this.options.opset ?? 17 }, ...domains],
      graph: this.graph(), metadata_props: [], training_info: [], functions: [],
    };
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new PareError('onnx_builder', `Value name "${name}" is already used in graph "${this.name}".`);
    this.used.add(name);
  }
}

export function valueInfo(name: string, elemType: number, shape: Dim[]): ValueInfo {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: shape.map((d) => (typeof d === 'number' && d >= 0 ? { dim_value: d } : { dim_param: typeof d === 'string' ? d : 'N' })) } } },
    metadata_props: [],
  };
}

const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export function attribute(name: string, value: AttributeValue): Attribute {
  const a: Attribute = { name, floats: [], ints: [], strings: [], tensors: [], graphs: [], sparse_tensors: [], type_protos: [] };
  const enc = new TextEncoder();
  if (typeof value === 'number') {
    if (Number.isInteger(value)) Object.assign(a, { type: AT.INT, i: value });
    else Object.assign(a, { type: AT.FLOAT, f: value });
  } else if (typeof value === 'string') Object.assign(a, { type: AT.STRING, s: enc.encode(value) });
  else if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) Object.assign(a, { type: AT.STRINGS, strings: (value as string[]).map((s) => enc.encode(s)) });
    else if ((value as number[]).every((v) => Number.isInteger(v))) Object.assign(a, { type: AT.INTS, ints: value });
    else Object.assign(a, { type: AT.FLOATS, floats: value });
  } else if ('float' in value) Object.assign(a, { type: AT.FLOAT, f: value.float });
  else if ('floats' in value) Object.assign(a, { type: AT.FLOATS, floats: value.floats });
  else if ('node' in value) Object.assign(a, { type: AT.GRAPH, g: value });
  else Object.assign(a, { type: AT.TENSOR, t: value });
  return a;
}


