// A model's inference graph, recorded from one eval-mode forward pass: every native op the forward
// calls becomes a node over named values, parameters and buffers become initializers under their
// state-dict names. The recording works on any module structure (composite forwards, residual adds,
// in-place ops) because it watches the ops, not the modules; an op it cannot express fails the export
// with the op's name. foldBatchNorms() then merges each BN that follows a conv into that conv.
import { noGrad } from '../engine/autograd.js';
import { native, type NativeHandle } from '../engine/native.js';
import { tidy } from '../engine/scope.js';
import { type Shape, randn, type Tensor } from '../engine/tensor.js';
import { observeOps } from '../engine/trace.js';
import { withoutEvalFusion } from '../nn/fusion.js';
import { isMultiOutput, type Module, moduleOutputs } from '../nn/module.js';

export type AttributeValue = number | number[] | { float: number };

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface Initializer {
  dims: number[];
  /** float32 weights, or int64 for shape constants. */
  data: Float32Array | BigInt64Array;
}

export interface Graph {
  nodes: GraphNode[];
  initializers: Map<string, Initializer>;
  input: { name: string; shape: number[] };
  /** One output for a classifier ('logits'); one per feature map for a multi-output module. */
  outputs: { name: string; shape: number[] }[];
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** c10::ScalarType::Float, as the addon's meta() reports it. */
const FLOAT32_CODE = 6;

const isHandle = (v: unknown): v is NativeHandle =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v);

const pads = (p: number[]): number[] => [p[0]!, p[1]!, p[0]!, p[1]!];

/** Ops that only read metadata or manage memory: no value flows through them. */
const PASSIVE = new Set(['meta', 'strides', 'isContiguous', 'isContiguousAs', 'dispose', 'toBytes', 'item', 'format', 'requiresGrad', 'isLeaf', 'gradFnName', 'grad', 'equal', 'allclose']);

interface Value {
  name: string;
  /** Values that share memory (views) have one storage id: an in-place op on one of several live aliases is refused. */
  storage: number;
}

/**
 * Runs the model once (eval mode, no grad, batch 2 of random data shaped like `input`) and records its
 * graph. The batch dimension stays symbolic: reshapes keep it with ONNX's 0 ("copy this dimension").
 */
export function traceGraph(model: Module, input: readonly number[]): Graph {
  const params = new Map<NativeHandle, [string, Tensor]>();
  for (const [name, t] of Object.entries(model.stateDict())) params.set(t.handle, [name, t]);
  const values = new Map<NativeHandle, Value>();
  /** Tensors computed from parameters alone (e.g. a masked weight), folded into initializers by name. */
  const constants = new Map<NativeHandle, string>();
  const live = new Map<number, Set<NativeHandle>>();
  const nodes: GraphNode[] = [];
  const initializers = new Map<string, Initializer>();
  let storageCounter = 0;

  // Values are named after the module that computes them ('layer1.0.conv1'; a stage's output is the
  // stage, 'layer1'), ops inside a module's own forward after the module and the op ('layer1.0/Add').
  const scope: string[] = [];
  const taken = new Set<string>(['input']);
  const producers = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  const unique = (base: string): string => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const bind = (h: NativeHandle, storage?: number, op = 'value'): string => {
    const name = unique(`${scope.at(-1) || 'model'}/${op}`);
    const s = storage ?? storageCounter++;
    values.set(h, { name, storage: s });
    if (!live.has(s)) live.set(s, new Set());
    live.get(s)!.add(h);
    return name;
  };
  const nameOf = (h: unknown, op: string): string => {
    if (!isHandle(h)) throw new ExportError(`op '${op}' got a non-tensor where a tensor was expected`);
    const v = values.get(h);
    if (v) return v.name;
    const folded = constants.get(h);
    if (folded) return folded;
    const p = params.get(h);
    if (p) {
      const [name, t] = p;
      if (!initializers.has(name)) {
        // int64 buffers are indices (CondenseNet's gathers); everything else must be float32.
        if (t.dtype === 'int64') initializers.set(name, { dims: [...t.shape], data: t.data<'int64'>() });
        else if (t.dtype === 'float32') initializers.set(name, { dims: [...t.shape], data: t.data<'float32'>() });
        else throw new ExportError(`parameter '${name}' is ${t.dtype}; only float32 models (with int64 index buffers) can be exported`);
      }
      return name;
    }
    throw new ExportError(`op '${op}' uses a tensor that is neither computed from the input nor a parameter or buffer of the model ` +
      '(constants created inside forward() are not exportable; register them as buffers)');
  };
  const constant = (data: Float32Array | BigInt64Array, dims: number[]): string => {
    const name = `const${initializers.size}`;
    initializers.set(name, { dims, data });
    return name;
  };
  const emit = (op: string, inputs: string[], result: NativeHandle, attributes: Record<string, AttributeValue> = {}, storage?: number): void => {
    // An in-place op gives its tensor a new value in the same memory.
    const out = bind(result, storage ?? values.get(result)?.storage, op);
    const node = { op, inputs, outputs: [out], attributes };
    nodes.push(node);
    producers.set(out, node);
    for (const input of new Set(inputs)) {
      if (!consumers.has(input)) consumers.set(input, []);
      consumers.get(input)!.push(node);
    }
  };
  /** Gives the value of `h` a new name (a module's output takes the module's path). */
  const rename = (h: NativeHandle, name: string): void => {
    const v = values.get(h);
    const node = v && producers.get(v.name);
    if (!v || !node || taken.has(name)) return;
    taken.add(name);
    node.outputs = node.outputs.map((o) => (o === v.name ? name : o));
    // A graph output may also feed later nodes (a backbone's stage output feeds the next stage).
    for (const later of consumers.get(v.name) ?? []) later.inputs = later.inputs.map((i) => (i === v.name ? name : i));
    consumers.set(name, consumers.get(v.name) ?? []);
    consumers.delete(v.name);
    producers.delete(v.name);
    producers.set(name, node);
    v.name = name;
  };
  const traced = (args: readonly unknown[]): boolean => args.some((a) => (isHandle(a) && values.has(a)) || (Array.isArray(a) && a.some((x) => isHandle(x) && values.has(x))));
  // The unobserved metadata op (observeOps swaps the addon's functions while tracing).
  const meta = native.meta;
  const toBytes = native.toBytes;
  const shapeOf = (h: NativeHandle): number[] => meta(h)[0];

  const record = (op: string, args: readonly unknown[], result: unknown): void => {
    if (PASSIVE.has(op)) {
      if (op === 'dispose' && isHandle(args[0])) {
        const v = values.get(args[0]);
        if (v) live.get(v.storage)!.delete(args[0]);
      }
      return;
    }
    if (!traced(args)) {
      // An op on parameters/buffers only (a learned group conv's weight × mask): its result is a constant.
      const fromModel = (a: unknown): boolean => isHandle(a) && (params.has(a) || constants.has(a));
      if (isHandle(result) && args.some(fromModel) && !op.endsWith('_')) {
        const [dims, dtype] = meta(result) as unknown as [number[], number];
        if (dtype !== FLOAT32_CODE) return;
        const name = unique(`${scope.at(-1) || 'model'}/folded_${op}`);
        initializers.set(name, { dims, data: new Float32Array(toBytes(result)) });
        constants.set(result, name);
      }
      return;
    }
    const x = args[0] as NativeHandle;
    const inPlace = op.endsWith('_');
    const target = inPlace ? x : (result as NativeHandle);
    if (!inPlace && !isHandle(result)) throw new ExportError(`op '${op}' is not supported by the ONNX exporter`);
    const inputName = (): string => nameOf(x, op);
    const alias = (): number => values.get(x)!.storage;
    if (inPlace) {
      const v = values.get(x);
      if (v && [...live.get(v.storage)!].some((other) => other !== x)) {
        throw new ExportError(`in-place op '${op}' on a tensor that shares memory with another live tensor (a view); the graph would be ambiguous`);
      }
    }
    const binaryOperand = (other: unknown): string =>
      typeof other === 'number' ? constant(Float32Array.of(other), []) : nameOf(other, op);
    switch (op) {
      case 'conv2d': {
        const [, w, b, stride, padding, dilation, groups] = args as [unknown, NativeHandle, NativeHandle | undefined, number[], number[], number[], number];
        const wName = nameOf(w, op);
        emit('Conv', [inputName(), wName, ...(b ? [nameOf(b, op)] : [])], target, {
          kernel_shape: shapeOf(w).slice(2), strides: stride, pads: pads(padding), dilations: dilation, group: groups,
        });
        return;
      }
      case 'batchNorm': {
        const [, w, b, mean, variance, training, , eps, relu] = args as [unknown, NativeHandle | undefined, NativeHandle | undefined, NativeHandle | undefined, NativeHandle | undefined, boolean, number, number, boolean | undefined];
        if (training) throw new ExportError('a BatchNorm ran in training mode; call model.eval() before exporting');
        if (!mean || !variance) throw new ExportError('a BatchNorm without running statistics cannot be exported');
        const c = shapeOf(mean)[0]!;
        const scale = w ? nameOf(w, op) : constant(new Float32Array(c).fill(1), [c]);
        const shift = b ? nameOf(b, op) : constant(new Float32Array(c), [c]);
        emit('BatchNormalization', [inputName(), scale, shift, nameOf(mean, op), nameOf(variance, op)], target, { epsilon: { float: eps } });
        if (relu === true) emit('Relu', [nameOf(target, op)], target, {}, values.get(target)!.storage);
        return;
      }
      case 'linear': {
        const [, w, b] = args as [unknown, NativeHandle, NativeHandle | undefined];
        if (shapeOf(x).length !== 2) throw new ExportError('linear on a tensor that is not 2-D is not supported (flatten first)');
        emit('Gemm', [inputName(), nameOf(w, op), ...(b ? [nameOf(b, op)] : [])], target, { transB: 1 });
        return;
      }
      case 'relu': case 'relu_': emit('Relu', [inputName()], target); return;
      case 'sigmoid': case 'sigmoid_': emit('Sigmoid', [inputName()], target); return;
      case 'tanh': case 'tanh_': emit('Tanh', [inputName()], target); return;
      case 'softmax': {
        const [, dim, dtype] = args as [unknown, number, number | undefined];
        if (dtype !== undefined && dtype !== FLOAT32_CODE) throw new ExportError('softmax with a dtype other than float32 is not exportable');
        emit('Softmax', [inputName()], target, { axis: dim });
        return;
      }
      case 'add': case 'add_': case 'sub': case 'sub_': {
        const [, other, alpha] = args as [unknown, unknown, number | undefined];
        let rhs = binaryOperand(other);
        if (alpha !== undefined && alpha !== 1) {
          const scaled = unique(`${scope.at(-1) || 'model'}/Mul`);
          const mul = { op: 'Mul', inputs: [rhs, constant(Float32Array.of(alpha), [])], outputs: [scaled], attributes: {} };
          nodes.push(mul);
          consumers.set(rhs, [...(consumers.get(rhs) ?? []), mul]);
          rhs = scaled;
        }
        emit(op.startsWith('add') ? 'Add' : 'Sub', [inputName(), rhs], target);
        return;
      }
      case 'groupNorm': {
        // Opset 13 has no GroupNormalization: InstanceNormalization over [N, groups, rest], then the per-channel affine.
        const [, groups, w, b, eps] = args as [unknown, number, NativeHandle | undefined, NativeHandle | undefined, number];
        const c = shapeOf(x)[1]!;
        const step = (nodeOp: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string => {
          const out = unique(`${scope.at(-1) || 'model'}/${nodeOp}`);
          const node = { op: nodeOp, inputs, outputs: [out], attributes };
          nodes.push(node);
          producers.set(out, node);
          for (const input of new Set(inputs)) consumers.set(input, [...(consumers.get(input) ?? []), node]);
          return out;
        };
        const grouped = step('Reshape', [inputName(), constant(BigInt64Array.of(0n, BigInt(groups), -1n), [3])]);
        const normalized = step('InstanceNormalization', [grouped, constant(new Float32Array(groups).fill(1), [groups]), constant(new Float32Array(groups), [groups])], { epsilon: { float: eps } });
        const restored = step('Reshape', [normalized, step('Shape', [inputName()])]);
        const perChannel = (h: NativeHandle): string => step('Reshape', [nameOf(h, op), constant(BigInt64Array.of(BigInt(c), 1n, 1n), [3])]);
        const scaled = w ? step('Mul', [restored, perChannel(w)]) : restored;
        if (b) emit('Add', [scaled, perChannel(b)], target);
        else emit('Identity', [scaled], target);
        return;
      }
      case 'mul': case 'mul_': emit('Mul', [inputName(), binaryOperand(args[1])], target); return;
      case 'div': case 'div_':
        if (args[2] !== undefined) throw new ExportError(`div with rounding mode '${String(args[2])}' is not supported by the ONNX exporter`);
        emit('Div', [inputName(), binaryOperand(args[1])], target);
        return;
      case 'maxPool2d': {
        const [, kernel, stride, padding, dilation, ceil] = args as [unknown, number[], number[], number[], number[], boolean];
        emit('MaxPool', [inputName()], target, { kernel_shape: kernel, strides: stride, pads: pads(padding), dilations: dilation, ceil_mode: ceil ? 1 : 0 });
        return;
      }
      case 'avgPool2d': {
        const [, kernel, stride, padding, ceil, countIncludePad, divisor] = args as [unknown, number[], number[], number[], boolean, boolean, number | undefined];
        if (divisor !== undefined) throw new ExportError('avgPool2d with divisorOverride has no ONNX equivalent');
        emit('AveragePool', [inputName()], target, { kernel_shape: kernel, strides: stride, pads: pads(padding), ceil_mode: ceil ? 1 : 0, count_include_pad: countIncludePad ? 1 : 0 });
        return;
      }
      case 'adaptiveAvgPool2d': {
        const size = args[1] as number[];
        const [, , h, w] = shapeOf(x);
        if (size[0] === 1 && size[1] === 1) {
          emit('GlobalAveragePool', [inputName()], target);
        } else if (h! % size[0]! === 0 && w! % size[1]! === 0) {
          const k = [h! / size[0]!, w! / size[1]!];
          emit('AveragePool', [inputName()], target, { kernel_shape: k, strides: k });
        } else {
          throw new ExportError(`adaptiveAvgPool2d from ${h}x${w} to ${size.join('x')} is not a uniform pooling`);
        }
        return;
      }
      case 'flatten': {
        const [, start, end] = args as [unknown, number, number];
        const rank = shapeOf(x).length;
        if (start === 1 && (end === -1 || end === rank - 1)) emit('Flatten', [inputName()], target, { axis: 1 });
        else reshape(op, x, result as NativeHandle);
        return;
      }
      case 'view': case 'reshape': reshape(op, x, result as NativeHandle); return;
      case 'transpose': case 'permute': {
        const rank = shapeOf(x).length;
        const axis = (d: number): number => (d < 0 ? d + rank : d);
        let perm = [...Array(rank).keys()];
        if (op === 'permute') perm = (args[1] as number[]).map(axis);
        else [perm[axis(args[1] as number)], perm[axis(args[2] as number)]] = [axis(args[2] as number), axis(args[1] as number)];
        if (perm[0] !== 0) throw new ExportError(`'${op}' moves the batch dimension; only per-sample transposes are exportable`);
        emit('Transpose', [inputName()], target, { perm }, alias());
        return;
      }
      case 'indexSelect': {
        const [, dim, index] = args as [unknown, number, NativeHandle];
        if (dim === 0) throw new ExportError('indexSelect along the batch dimension is not exportable');
        emit('Gather', [inputName(), nameOf(index, op)], target, { axis: dim });
        return;
      }
      case 'contiguous': case 'clone': case 'detach':
        emit('Identity', [inputName()], target, {}, op === 'clone' ? undefined : alias());
        return;
      case 'dropout': {
        if (args[2]) throw new ExportError('dropout ran in training mode; call model.eval() before exporting');
        emit('Identity', [inputName()], target);
        return;
      }
      case 'cat': {
        const [list, dim] = args as [NativeHandle[], number];
        emit('Concat', list.map((t) => nameOf(t, op)), result as NativeHandle, { axis: dim });
        return;
      }
      default:
        throw new ExportError(`op '${op}' is not supported by the ONNX exporter yet`);
    }

    function reshape(name: string, from: NativeHandle, to: NativeHandle): void {
      const inShape = shapeOf(from);
      const outShape = shapeOf(to);
      if (outShape[0] !== inShape[0]) throw new ExportError(`'${name}' changes the batch dimension (${inShape[0]} -> ${outShape[0]}); only per-sample reshapes are exportable`);
      if (outShape.join() === inShape.join()) {
        emit('Identity', [nameOf(from, name)], to, {}, alias());
        return;
      }
      // Keep the batch dimension symbolic: 0 copies it from the input.
      const dims = outShape.map((d, i) => (i === 0 ? 0 : d));
      emit('Reshape', [nameOf(from, name), constant(BigInt64Array.from(dims, (d) => BigInt(d)), [dims.length])], to, {}, alias());
    }
  };

  const wasTraining = model.training;
  model.eval();
  try {
    return tidy(() => noGrad(() => {
      const x = randn([2, ...input] as Shape);
      let outputs: Tensor[] = [];
      const inputName = 'input';
      values.set(x.handle, { name: inputName, storage: storageCounter });
      live.set(storageCounter++, new Set([x.handle]));
      const restore = watchModules(model, (path) => scope.push(path), (path, result) => {
        scope.pop();
        if (path && isHandle(result?.handle)) rename(result.handle, path);
      });
      try {
        // The graph records the model as written; ONNX export folds BNs itself (foldBatchNorms).
        observeOps(record, () => withoutEvalFusion(() => {
          outputs = moduleOutputs(model, x);
        }));
      } finally {
        restore();
      }
      const names = isMultiOutput(model) ? model.outputNames : [OUTPUT_NAME];
      const graphOutputs = outputs.map((t, i) => {
        const v = values.get(t.handle);
        if (!v) throw new ExportError(`the model output ${names[i]} is not computed from its input`);
        rename(t.handle, names[i]!);
        return { name: v.name, shape: [...t.shape] };
      });
      if (new Set(graphOutputs.map((o) => o.name)).size !== graphOutputs.length) throw new ExportError('two model outputs are the same value');
      pruneUnused(nodes, initializers, graphOutputs.map((o) => o.name));
      return { nodes, initializers, input: { name: inputName, shape: [...x.shape] }, outputs: graphOutputs };
    }));
  } finally {
    model.train(wasTraining);
  }
}

/** The graph output's name (single-output models). */
export const OUTPUT_NAME = 'logits';

/**
 * Wraps every module's forward for the trace so the exporter knows which module is running (enter)
 * and what it returned (leave). Returns the function that restores the original forwards.
 */
function watchModules(model: Module, enter: (path: string) => void, leave: (path: string, result: Tensor | undefined) => void): () => void {
  const wrapped: [Module, Module['forward']][] = [];
  for (const [path, m] of model.namedModules()) {
    const original = m.forward;
    wrapped.push([m, original]);
    m.forward = (...args: unknown[]): Tensor => {
      enter(path);
      let result: Tensor | undefined;
      try {
        result = (original as (...a: unknown[]) => Tensor).apply(m, args);
        return result;
      } finally {
        leave(path, result);
      }
    };
  }
  return () => {
    for (const [m, original] of wrapped) {
      delete (m as { forward?: unknown }).forward;
      if (m.forward !== original) m.forward = original;
    }
  };
}

/** Drops Identity nodes (rewiring their consumers), nodes whose output is never used, and unused initializers. */
function pruneUnused(nodes: GraphNode[], initializers: Map<string, Initializer>, outputs: readonly string[]): void {
  const rename = new Map<string, string>();
  const resolve = (n: string): string => {
    let r = n;
    while (rename.has(r)) r = rename.get(r)!;
    return r;
  };
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.op === 'Identity' && !outputs.includes(node.outputs[0]!)) {
      rename.set(node.outputs[0]!, node.inputs[0]!);
      nodes.splice(i, 1);
    }
  }
  for (const node of nodes) node.inputs = node.inputs.map(resolve);
  // Dead-node elimination, from the output backwards.
  const needed = new Set(outputs);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.outputs.some((o) => needed.has(o))) node.inputs.forEach((n) => needed.add(n));
    else nodes.splice(i, 1);
  }
  for (const name of [...initializers.keys()]) if (!needed.has(name)) initializers.delete(name);
}

/**
 * Folds every BatchNormalization whose input comes from a Conv used only by that BN into the conv
 * (W·γ/√(σ²+ε), β + (b − μ)·γ/√(σ²+ε), in float64). Returns how many were folded.
 */
export function foldBatchNorms(graph: Graph): number {
  const consumers = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, GraphNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const f32 = (name: string): Float32Array => graph.initializers.get(name)!.data as Float32Array;
  const isConst = (name: string): boolean => graph.initializers.has(name);
  let folded = 0;
  for (const bn of [...graph.nodes]) {
    if (bn.op !== 'BatchNormalization') continue;
    const conv = producer.get(bn.inputs[0]!);
    if (!conv || conv.op !== 'Conv' || consumers.get(bn.inputs[0]!) !== 1 || graph.outputs.some((o) => o.name === bn.inputs[0])) continue;
    if (!bn.inputs.slice(1).every(isConst) || !conv.inputs.slice(1).every(isConst)) continue;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map(f32) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const eps = (bn.attributes.epsilon as { float: number }).float;
    const weight = f32(conv.inputs[1]!);
    const bias = conv.inputs[2] ? f32(conv.inputs[2]) : undefined;
    const out = gamma.length;
    const perOut = weight.length / out;
    const w = new Float32Array(weight.length);
    const b = new Float32Array(out);
    for (let o = 0; o < out; o++) {
      const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
      for (let k = 0; k < perOut; k++) w[o * perOut + k] = weight[o * perOut + k]! * s;
      b[o] = beta[o]! + ((bias?.[o] ?? 0) - mean[o]!) * s;
    }
    // The folded tensors keep the state-dict names of the conv they replace (its weight; its bias, or
    // the name a bias of that conv would have), unless another node still reads the originals.
    const shared = (name: string | undefined): boolean => name !== undefined && (consumers.get(name) ?? 0) > 1;
    const wOld = conv.inputs[1]!;
    const wName = shared(wOld) ? `${wOld}.folded` : wOld;
    const bOld = conv.inputs[2] ?? wOld.replace(/weight$/, 'bias');
    const bName = shared(conv.inputs[2]) || (conv.inputs[2] === undefined && (graph.initializers.has(bOld) || bOld === wOld)) ? `${wName}.folded_bias` : bOld;
    graph.initializers.set(wName, { dims: graph.initializers.get(wOld)!.dims, data: w });
    graph.initializers.set(bName, { dims: [out], data: b });
    conv.inputs = [conv.inputs[0]!, wName, bName];
    conv.outputs = bn.outputs;
    graph.nodes.splice(graph.nodes.indexOf(bn), 1);
    folded++;
  }
  pruneUnused(graph.nodes, graph.initializers, graph.outputs.map((o) => o.name));
  return folded;
}
