// Multi-scale feature extraction (timm's features_only). A family declares its stages when it builds a
// model (`featureInfo`: module, channels, stride) and runs them with `forwardIntermediates`, which stops
// after the deepest stage asked for; `StageFeatures` turns such a model into a backbone whose outputs are
// those stage maps, head dropped. Any other module can be tapped by path with `HookedFeatures` (timm's
// FeatureHooks), which watches the modules' outputs during the model's own forward. State-dict names stay
// the classifier's (minus the head), so a classifier checkpoint loads into the backbone (strict: false).
import { noGrad } from '../engine/autograd.js';
import { keep, tidy, track, unkeep } from '../engine/scope.js';
import { type Shape, randn, type Tensor } from '../engine/tensor.js';
import { runInOrder } from '../nn/containers.js';
import { type MemoryFormatChoice, type MultiOutput, Module } from '../nn/module.js';

/** One feature map a backbone returns. */
export interface FeatureInfo {
  /** The module whose output it is (dotted path). */
  module: string;
  channels: number;
  /** Input size / feature size (the stride of the map). */
  reduction: number;
}

/** A model that declares its stages when built (timm's feature_info and forward_intermediates). */
export interface StagedModel {
  /** The stage outputs, in order. */
  readonly featureInfo: readonly FeatureInfo[];
  /** Modules used only after the last stage (the classifier), which a backbone drops. */
  readonly headModules: readonly string[];
  /** The stage outputs from the first to stage `last` (default: every stage); later stages do not run. The caller owns them. */
  forwardIntermediates(x: Tensor, last?: number): Tensor[];
}

export function isStagedModel(m: Module): m is Module & StagedModel {
  return Array.isArray((m as Partial<StagedModel>).featureInfo) && typeof (m as Partial<StagedModel>).forwardIntermediates === 'function';
}

/**
 * forwardIntermediates for a model that is a chain of stages: runs each stage's modules in order (with the
 * inference fusions of runInOrder) and keeps every stage's output, up to stage `last`.
 */
export function runStages(stages: readonly (readonly Module[])[], x: Tensor, last = stages.length - 1): Tensor[] {
  checkStageIndex(last, stages.length);
  const outputs: Tensor[] = [];
  try {
    let h = x;
    for (let i = 0; i <= last; i++) {
      h = runInOrder(stages[i]!, h);
      outputs.push(h);
    }
    return outputs;
  } catch (err) {
    for (const t of outputs) t.dispose();
    throw err;
  }
}

export function checkStageIndex(last: number, stages: number): void {
  if (!Number.isInteger(last) || last < 0 || last >= stages) throw new RangeError(`forwardIntermediates: stage ${last} does not exist (the model has ${stages} stages: 0-${stages - 1})`);
}

/** Stands in for a dropped head module; reaching it means the model's forwardIntermediates ran its head. */
class DroppedHead extends Module {
  constructor(readonly path: string) {
    super();
  }

  forward(): Tensor {
    throw new Error(`feature backbone: the forward pass reached the dropped head module '${this.path}'`);
  }
}

/** A backbone whose outputs are feature maps (ONNX outputs feature0, feature1, ...). */
export abstract class FeatureExtractor extends Module implements MultiOutput {
  abstract readonly featureInfo: readonly FeatureInfo[];
  abstract readonly outputNames: readonly string[];

  /** Takes the model's children as its own (same names), so the state-dict names stay the model's. */
  protected constructor(protected readonly model: Module) {
    super();
    for (const [name, child] of model.namedChildren()) this.addModule(name, child);
    this.memoryFormat = model.memoryFormat;
  }

  abstract forwardOutputs(x: Tensor): Tensor[];

  /** The deepest feature map (forwardOutputs returns all of them). */
  forward(x: Tensor): Tensor {
    const outputs = this.forwardOutputs(x);
    for (const t of outputs.slice(0, -1)) t.dispose();
    return outputs[outputs.length - 1]!;
  }

  override train(mode = true): this {
    super.train(mode);
    this.model.training = mode;
    return this;
  }

  override toMemoryFormat(format: MemoryFormatChoice): this {
    super.toMemoryFormat(format);
    this.model.memoryFormat = this.memoryFormat;
    return this;
  }
}

/** The declared stage outputs of a model; its head modules are disposed. */
export class StageFeatures extends FeatureExtractor {
  readonly featureInfo: readonly FeatureInfo[];
  readonly outputNames: readonly string[];

  private readonly staged: Module & StagedModel;

  /** Takes ownership of `model`. */
  constructor(staged: Module & StagedModel) {
    super(withoutHead(staged));
    this.staged = staged;
    this.featureInfo = staged.featureInfo.map((f) => ({ ...f }));
    this.outputNames = this.featureInfo.map((_, i) => `feature${i}`);
  }

  forwardOutputs(x: Tensor): Tensor[] {
    return this.staged.forwardIntermediates(x);
  }
}

function withoutHead(staged: Module & StagedModel): Module {
  for (const path of staged.headModules) staged.setSubmodule(path, new DroppedHead(path)).dispose();
  return staged;
}

/** Thrown by the last tap to end the forward pass early; never leaves HookedFeatures.forwardOutputs. */
class LastTapReached extends Error {}

/**
 * The outputs of any modules, named by path, caught while the model's own forward runs (which stops once
 * the last tap has produced its output). Their channels and strides are measured once on a random input
 * of `inputShape` [C, H, W]: an arbitrary module declares neither. Nothing is dropped.
 */
export class HookedFeatures extends FeatureExtractor {
  readonly taps: readonly string[];
  readonly outputNames: readonly string[];
  private readonly inputShape: readonly number[];
  private info: FeatureInfo[] | undefined;

  /** Takes ownership of `model`. */
  constructor(model: Module, taps: readonly string[], inputShape: readonly number[]) {
    super(withTaps(model, taps));
    this.inputShape = inputShape;
    this.taps = [...taps];
    this.outputNames = this.taps.map((_, i) => `feature${i}`);
  }

  get featureInfo(): readonly FeatureInfo[] {
    if (this.info === undefined) {
      const wasTraining = this.training;
      this.eval();
      try {
        const [, h] = this.inputShape as [number, number, number];
        this.info = tidy(() => noGrad(() => this.forwardOutputs(randn([1, ...this.inputShape] as Shape)).map((t, i) => ({
          module: this.taps[i]!, channels: t.shape[1]!, reduction: h / t.shape[2]!,
        }))));
      } finally {
        this.train(wasTraining);
      }
    }
    return this.info;
  }

  /** Every tapped output, in tap order; the caller owns them. */
  forwardOutputs(x: Tensor): Tensor[] {
    const captured = new Map<string, Tensor>();
    const last = this.taps[this.taps.length - 1]!;
    const restore = this.taps.map((path) => watchForward(this.model.getSubmodule(path), (result) => {
      // A copy: the model may free or modify its intermediate outputs once the next module has used them.
      if (!captured.has(path)) captured.set(path, keep(result.clone()));
      if (path === last) throw new LastTapReached();
    }));
    try {
      tidy(() => this.model.forward(x));
    } catch (err) {
      if (!(err instanceof LastTapReached)) {
        for (const t of captured.values()) t.dispose();
        throw err;
      }
    } finally {
      for (const undo of restore.reverse()) undo();
    }
    const missing = this.taps.filter((p) => !captured.has(p));
    if (missing.length) {
      for (const t of captured.values()) t.dispose();
      throw new Error(`HookedFeatures: the forward pass never ran the tapped module(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
    }
    return this.taps.map((p) => {
      const t = unkeep(captured.get(p)!);
      track(t);
      return t;
    });
  }
}

function withTaps(model: Module, taps: readonly string[]): Module {
  if (taps.length === 0) throw new RangeError('HookedFeatures: no taps given');
  for (const path of taps) model.getSubmodule(path); // throws naming a path that does not exist
  return model;
}

/** Calls `seen` with each output of m.forward; returns the function that restores m.forward. */
function watchForward(m: Module, seen: (result: Tensor) => void): () => void {
  const own = Object.getOwnPropertyDescriptor(m, 'forward');
  const inner = m.forward;
  m.forward = (...args: unknown[]): Tensor => {
    const result = (inner as (...a: unknown[]) => Tensor).apply(m, args);
    seen(result);
    return result;
  };
  return () => {
    if (own) Object.defineProperty(m, 'forward', own);
    else delete (m as { forward?: unknown }).forward;
  };
}

/**
 * The backbone of a model: `true` for the family's declared stages (head dropped), or the module paths to
 * tap (nothing dropped). Takes ownership of the model (disposed on error).
 */
export function featureBackbone(model: Module, features: true | readonly string[], inputShape: readonly number[], name = model.constructor.name): FeatureExtractor {
  try {
    if (features === true) {
      if (!isStagedModel(model)) {
        throw new Error(`model '${name}' names no default feature maps: give the module paths to tap, e.g. features: ['${model.namedChildren()[0]?.[0] ?? 'layer1'}']`);
      }
      return new StageFeatures(model);
    }
    return new HookedFeatures(model, features, inputShape);
  } catch (err) {
    model.dispose();
    throw err;
  }
}
