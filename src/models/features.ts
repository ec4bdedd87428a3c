// Multi-scale feature extraction (timm's features_only): a backbone that returns a model's
// intermediate outputs at named modules ("taps"), e.g. the stage outputs a detection FPN takes. It works
// on any model: the model's own forward runs with the tapped modules watched, and stops as soon as the
// last tap has produced its output, so the head never runs and can be dropped. The state-dict names stay
// the classifier's (minus the head), so a classifier checkpoint loads into the backbone (strict: false).
import { noGrad } from '../engine/autograd.js';
import { keep, tidy, track, unkeep } from '../engine/scope.js';
import { type Shape, randn, type Tensor } from '../engine/tensor.js';
import { type MemoryFormatChoice, type MultiOutput, Module } from '../nn/module.js';

/** One feature map the extractor returns. */
export interface FeatureInfo {
  /** The module whose output it is (dotted path). */
  module: string;
  channels: number;
  /** Input size / feature size (the stride of the map). */
  reduction: number;
}

/** Where a family's default feature maps come from and which modules make up its head. */
export interface FeatureTaps {
  taps: string[];
  /** Modules after the last tap (the classifier) that a backbone does not need. */
  head: string[];
}

/** A model that names its default feature maps (its stage outputs). */
export interface FeatureSource {
  featureTaps(): FeatureTaps;
}

export function isFeatureSource(m: Module): m is Module & FeatureSource {
  return typeof (m as Partial<FeatureSource>).featureTaps === 'function';
}

/** Thrown by the last tap to end the forward pass early; never leaves forwardOutputs. */
class LastTapReached extends Error {}

/** Stands in for a dropped head module; reaching it means the taps did not stop the forward pass. */
class DroppedHead extends Module {
  constructor(readonly path: string) {
    super();
  }

  forward(): Tensor {
    throw new Error(`FeatureExtractor: the forward pass reached the dropped head module '${this.path}' before the last tap`);
  }
}

export class FeatureExtractor extends Module implements MultiOutput {
  readonly taps: readonly string[];
  /** Output names, in order (ONNX output names too): feature0, feature1, ... */
  readonly outputNames: readonly string[];
  private info: FeatureInfo[] | undefined;

  /**
   * Takes ownership of `model`: its children become the extractor's (same names), the head modules are
   * disposed. `inputShape` [C, H, W] is the input the feature info (channels, reduction) is measured on.
   */
  constructor(private readonly model: Module, taps: FeatureTaps, private readonly inputShape: readonly number[]) {
    super();
    if (taps.taps.length === 0) throw new RangeError('FeatureExtractor: no taps given');
    for (const path of taps.taps) model.getSubmodule(path); // throws naming a path that does not exist
    for (const path of taps.head) model.setSubmodule(path, new DroppedHead(path)).dispose();
    for (const [name, child] of model.namedChildren()) this.addModule(name, child);
    this.taps = [...taps.taps];
    this.outputNames = this.taps.map((_, i) => `feature${i}`);
    this.memoryFormat = model.memoryFormat;
  }

  /** Channels and stride of each feature map (measured once on a random input). */
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

  override train(mode = true): this {
    super.train(mode);
    this.model.training = mode;
    return this;
  }

  /** Every feature map, in tap order; the caller owns them. */
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
      throw new Error(`FeatureExtractor: the forward pass never ran the tapped module(s) ${missing.map((m) => `'${m}'`).join(', ')}`);
    }
    return this.taps.map((p) => {
      const t = unkeep(captured.get(p)!);
      track(t);
      return t;
    });
  }

  /** The deepest feature map (forwardOutputs returns all of them). */
  forward(x: Tensor): Tensor {
    const outputs = this.forwardOutputs(x);
    for (const t of outputs.slice(0, -1)) t.dispose();
    return outputs[outputs.length - 1]!;
  }

  override toMemoryFormat(format: MemoryFormatChoice): this {
    super.toMemoryFormat(format);
    this.model.memoryFormat = this.memoryFormat;
    return this;
  }
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
 * The backbone of a model: `true` for the family's default taps (its stage outputs, head dropped), or
 * the module paths to tap (nothing dropped). Takes ownership of the model (disposed on error).
 */
export function featureBackbone(model: Module, features: true | readonly string[], inputShape: readonly number[], name = model.constructor.name): FeatureExtractor {
  try {
    if (features === true) {
      if (!isFeatureSource(model)) {
        throw new Error(`model '${name}' names no default feature maps: give the module paths to tap, e.g. features: ['${model.namedChildren()[0]?.[0] ?? 'layer1'}']`);
      }
      return new FeatureExtractor(model, model.featureTaps(), inputShape);
    }
    return new FeatureExtractor(model, { taps: [...features], head: [] }, inputShape);
  } catch (err) {
    model.dispose();
    throw err;
  }
}
