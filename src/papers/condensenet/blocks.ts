// CondenseNet's learned group convolution (Huang et al., CVPR 2018; ShichenLiu/CondenseNet layers.py)
// and the modules it condenses into.
//
// Training form, LearnedGroupConv: BN -> ReLU -> (dropout) -> 1x1 conv whose weight is multiplied by a
// binary mask buffer. Output channel o belongs to group o mod G. As training progresses (the trainer's
// progress fraction p) the layer passes through stages: stage = the first i in [0, C-2] with
// 2p < (i+1)/(C-1), else C-1. Entering a stage drops in/C input channels from every group, those
// whose column of the group's (masked) weights has the smallest L1 norm. After the first half of
// training each group keeps in/C inputs. Mask, dropped count and stage are buffers (`_mask`,
// `_count`, `_stage`, the official names), so checkpoints resume mid-condensation.
//
// Deploy form, CondenseConv: gather the kept input channels (index buffer) -> BN (copied per use) ->
// ReLU -> standard group conv (groups = G) -> channel shuffle that restores the output order. It
// computes exactly what the masked layer computes.
//
// The classifier of a CondenseNet is a CondensableLinear: a plain Linear in training whose deploy
// form (CondenseLinear) keeps only its most important half of the input features. That prune is not
// exact: it changes the logits (the official code does the same, without fine-tuning).
//
// Deliberate differences from the official layer:
//  - when progress skips several stage boundaries between two batches (runs of fewer than 2(C-1)
//    batches), the official layer drops once; here each stage crossed drops its share, so every group
//    always ends with in/C inputs;
//  - the channels to drop are the lowest-scoring among those still kept (the official code sorts all
//    columns and relies on the dropped ones scoring exactly 0).
import type { Reparameterizable } from '../../blocks/reparam.js';
import { noGrad } from '../../engine/autograd.js';
import * as F from '../../engine/functional.js';
import { keep, tidy } from '../../engine/scope.js';
import { arange, fromTypedArray, ones, type Tensor, zeros } from '../../engine/tensor.js';
import { runInOrder } from '../../nn/containers.js';
import { foldsForInference, isWatched, preActivatedConv } from '../../nn/fusion.js';
import { BatchNorm2d, Conv2d, Dropout, Linear, ReLU } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import type { ProgressAware, Regularized, TrainingProgress } from '../../nn/training.js';
import { registerMacCounter } from '../../nn/macs.js';
import type { LearnedStructure } from '../../nn/structure.js';

export interface LearnedGroupConvOptions {
  /** G: output channel o belongs to group o mod G; the deploy conv has G groups. */
  groups: number;
  /** C: every group finally keeps in/C input channels, after C-1 drops (default G). */
  condenseFactor?: number;
  /** Dropout before the conv (default 0). */
  dropoutRate?: number;
}

/** The condensation stage at a training-progress fraction p (0 .. C-1). */
export function condensationStage(fraction: number, condenseFactor: number): number {
  for (let i = 0; i < condenseFactor - 1; i++) if (fraction * 2 < (i + 1) / (condenseFactor - 1)) return i;
  return condenseFactor - 1;
}

export class LearnedGroupConv extends Module implements Reparameterizable, ProgressAware, Regularized, LearnedStructure {
  /** Checkpoints before form.structure recorded one condensation stage for all learned group convs. */
  static readonly legacyFormField = { key: 'condenseStage', perLayer: false };
  declare readonly _count: Tensor;
  declare readonly _stage: Tensor;
  declare readonly _mask: Tensor;
  declare readonly norm: BatchNorm2d;
  declare readonly relu: ReLU;
  declare readonly drop: Dropout | undefined;
  declare readonly conv: Conv2d;
  readonly groups: number;
  readonly condenseFactor: number;
  readonly dropoutRate: number;
  readonly regularizerNames = ['groupLasso'] as const;

  constructor(readonly inChannels: number, readonly outChannels: number, options: LearnedGroupConvOptions) {
    super();
    this.groups = options.groups;
    this.condenseFactor = options.condenseFactor ?? options.groups;
    this.dropoutRate = options.dropoutRate ?? 0;
    const [g, c] = [this.groups, this.condenseFactor];
    const problems = [
      Number.isInteger(g) && g >= 1 ? '' : `groups must be a positive integer, got ${g}`,
      Number.isInteger(c) && c >= 1 ? '' : `condenseFactor must be a positive integer, got ${c}`,
      inChannels % g === 0 ? '' : `groups=${g} must divide inChannels=${inChannels}`,
      inChannels % c === 0 ? '' : `condenseFactor=${c} must divide inChannels=${inChannels}`,
      outChannels % g === 0 ? '' : `groups=${g} must divide outChannels=${outChannels}`,
    ].filter(Boolean);
    if (problems.length) throw new RangeError(`LearnedGroupConv(${inChannels} -> ${outChannels}): ${problems.join('; ')}`);
    this.addBuffer('_count', zeros([1]));
    this.addBuffer('_stage', zeros([1]));
    this.addBuffer('_mask', ones([outChannels, inChannels, 1, 1]));
    this.addModule('norm', new BatchNorm2d(inChannels));
    this.addModule('relu', new ReLU());
    if (this.dropoutRate > 0) this.addModule('drop', new Dropout(this.dropoutRate));
    this.addModule('conv', new Conv2d(inChannels, outChannels, 1, { bias: false }));
  }

  /** Input channels dropped so far from every group. */
  get count(): number {
    return this._count.item();
  }

  /** Condensation stages passed (0 .. C-1). */
  get stage(): number {
    return this._stage.item();
  }

  /** Input channels dropped from every group at each stage. */
  get dropPerStage(): number {
    return Math.floor(this.inChannels / this.condenseFactor);
  }

  forward(x: Tensor): Tensor {
    // At inference (dropout is the identity): BN-ReLU and the masked conv as one pre-activated conv, the masked
    // kernel cached until the weight or the mask changes.
    if (foldsForInference(this) && ![this.norm, this.relu, this.conv, this.drop].some((m) => m && isWatched(m))) {
      const masked = this.evalCache.get('maskedWeight', [this.conv.weight, this._mask], () => noGrad(() => keep(this.conv.weight.mul(this._mask))));
      return preActivatedConv(this.norm, this.conv, x, masked);
    }
    const h = runInOrder(this.drop ? [this.norm, this.relu, this.drop] : [this.norm, this.relu], x);
    const weight = this.conv.weight.mul(this._mask);
    const y = F.conv2d(h, weight, { stride: this.conv.stride, padding: this.conv.padding });
    h.dispose();
    weight.dispose();
    return y;
  }

  onTrainingProgress(progress: TrainingProgress): void {
    const target = condensationStage(progress.fraction, this.condenseFactor);
    while (this.stage < target) this.condenseStage();
  }

  /** Enters the next stage: drops the dropPerStage least important kept inputs of every group. */
  condenseStage(): void {
    const [o, i, g] = [this.outChannels, this.inChannels, this.groups];
    const delta = this.dropPerStage;
    if (this.stage >= this.condenseFactor - 1) throw new RangeError(`LearnedGroupConv: already fully condensed (stage ${this.stage} of ${this.condenseFactor - 1})`);
    noGrad(() => tidy(() => {
      const weight = this.conv.weight.mul(this._mask).abs().view([o, i]).data<'float32'>();
      const mask = this._mask.view([o, i]).data<'float32'>().slice();
      for (let group = 0; group < g; group++) {
        const score = new Float64Array(i);
        for (let row = group; row < o; row += g) for (let j = 0; j < i; j++) score[j] += weight[row * i + j]!;
        const kept = [...Array(i).keys()].filter((j) => mask[group * i + j] === 1);
        kept.sort((a, b) => score[a]! - score[b]! || a - b);
        for (const j of kept.slice(0, delta)) for (let row = group; row < o; row += g) mask[row * i + j] = 0;
      }
      this._mask.copy_(fromTypedArray(mask, [o, i, 1, 1]));
      this._count.add_(delta);
      this._stage.add_(1);
    }));
  }

  /**
   * The group lasso of the masked weights, Σ_groups Σ_j sqrt(Σ_{o in group} W_oj²) (clamped at 1e-6
   * under the root). Undefined (zero) from stage G-1 on: the official code compares the stage with
   * the group count, not C, which is the same thing for its C = G models.
   */
  regularizer(name: string): Tensor | undefined {
    if (name !== 'groupLasso' || this.stage >= this.groups - 1) return undefined;
    return tidy(() => this.conv.weight.mul(this._mask).square().view([this.outChannels / this.groups, this.groups, this.inChannels])
      .sum(0).clamp(1e-6).sqrt().sum());
  }

  /** The condensation stage reached: with the weights, it fixes the condensed widths. */
  exportStructure(): number {
    return this.stage;
  }

  /**
   * A valid mask of the given stage (undefined: fully condensed, as the official converted models), before the
   * weights and real mask are loaded. Group g keeps the inputs g·keep, g·keep + 1, ... (mod in), so a fully
   * condensed C = G layer gathers the identity 0..in-1.
   */
  restoreStructure(stage: unknown): void {
    const last = this.condenseFactor - 1;
    if (stage !== undefined && !(Number.isInteger(stage) && (stage as number) >= 0)) throw new RangeError(`LearnedGroupConv: a condensation stage is a whole number >= 0, got ${JSON.stringify(stage)}`);
    const s = Math.min((stage as number | undefined) ?? last, last);
    const dropped = s * this.dropPerStage;
    const keep = this.inChannels - dropped;
    const mask = new Float32Array(this.outChannels * this.inChannels);
    for (let o = 0; o < this.outChannels; o++) {
      const group = o % this.groups;
      for (let t = 0; t < keep; t++) mask[o * this.inChannels + ((group * keep + t) % this.inChannels)] = 1;
    }
    noGrad(() => tidy(() => {
      this._mask.copy_(fromTypedArray(mask, this._mask.shape));
      this._count.fill_(dropped);
      this._stage.fill_(s);
    }));
  }

  /** The condensed module (CondenseConv) computing the same function in eval mode. */
  toDeploy(): CondenseConv {
    const [o, i, g] = [this.outChannels, this.inChannels, this.groups];
    return noGrad(() => tidy(() => {
      const mask = this._mask.view([o, i]).data<'float32'>();
      const keep = i - this.count;
      const slots: number[][] = [];
      for (let group = 0; group < g; group++) {
        const row = [...Array(i).keys()].filter((j) => mask[group * i + j] === 1);
        for (let r = group + g; r < o; r += g) {
          if ([...Array(i).keys()].some((j) => mask[r * i + j] !== mask[group * i + j])) {
            throw new Error(`LearnedGroupConv: the mask differs between output channels ${group} and ${r} of group ${group}; it was not made by condensation`);
          }
        }
        if (row.length !== keep) throw new Error(`LearnedGroupConv: group ${group} keeps ${row.length} inputs but _count says ${keep} (= ${i} - ${this.count})`);
        slots.push(row);
      }
      const deployed = new CondenseConv(g * keep, o, { groups: g, stride: this.conv.stride[0], padding: this.conv.padding[0] });
      const index = slots.flat();
      const weight = this.conv.weight.view([o, i]).data<'float32'>();
      const out = new Float32Array(o * keep);
      const perGroup = o / g;
      for (let group = 0; group < g; group++) {
        slots[group]!.forEach((j, s) => {
          for (let k = 0; k < perGroup; k++) out[(group * perGroup + k) * keep + s] = weight[(group + k * g) * i + j]!;
        });
      }
      const picks = fromTypedArray(BigInt64Array.from(index, (v) => BigInt(v)));
      deployed.index.copy_(picks);
      deployed.conv.weight.copy_(fromTypedArray(out, [o, keep, 1, 1]));
      for (const name of ['weight', 'bias', 'running_mean', 'running_var'] as const) deployed.norm[name]!.copy_(this.norm[name]!.indexSelect(0, picks));
      deployed.norm.num_batches_tracked.copy_(this.norm.num_batches_tracked);
      return deployed;
    }));
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, groups=${this.groups}, condenseFactor=${this.condenseFactor}${this.dropoutRate ? `, dropout=${this.dropoutRate}` : ''}`;
  }
}

// The profiler counts a learned group conv's full 1x1 conv: the masked weights are multiplied, zeros included.
registerMacCounter(LearnedGroupConv, (m, _input, output) => output.slice(1).reduce((a, b) => a * b, 1) * (m as LearnedGroupConv).inChannels);

export interface CondenseConvOptions {
  groups: number;
  kernelSize?: number;
  stride?: number;
  padding?: number;
}

/**
 * Gather -> BN -> ReLU -> group conv -> channel shuffle (the official CondenseConv). Built directly
 * (e.g. to load an official converted checkpoint) its index is the identity 0..in-1, a valid gather
 * from any input of at least `inChannels` channels, until a state dict sets it.
 */
export class CondenseConv extends Module {
  declare readonly index: Tensor;
  declare readonly norm: BatchNorm2d;
  declare readonly relu: ReLU;
  declare readonly conv: Conv2d;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, options: CondenseConvOptions) {
    super();
    this.groups = options.groups;
    const k = options.kernelSize ?? 1;
    this.addBuffer('index', arange(inChannels));
    this.addModule('norm', new BatchNorm2d(inChannels));
    this.addModule('relu', new ReLU());
    this.addModule('conv', new Conv2d(inChannels, outChannels, k, { groups: this.groups, stride: options.stride ?? 1, padding: options.padding ?? 0, bias: false }));
  }

  forward(x: Tensor): Tensor {
    // At inference the gather, BN and ReLU are applied as the conv reads its input (leanconv's 1x1 kernel).
    const fused = foldsForInference(this) && ![this.norm, this.relu, this.conv].some(isWatched);
    const y = fused ? preActivatedConv(this.norm, this.conv, x, this.conv.weight, this.index) : this.gatherAndConv(x);
    const out = F.channelShuffle(y, this.groups);
    y.dispose();
    return out;
  }

  private gatherAndConv(x: Tensor): Tensor {
    const picked = x.indexSelect(1, this.index);
    const y = runInOrder([this.norm, this.relu, this.conv], picked);
    picked.dispose();
    return y;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, groups=${this.groups}`;
  }
}

/**
 * A Linear whose deploy form keeps only its most important inputs (the official CondensingLinear):
 * importance of an input feature = Σ over outputs of |W|; the top `keepFraction` are kept. This
 * changes the logits: it is a prune without fine-tuning.
 */
export class CondensableLinear extends Linear implements Reparameterizable {
  /** Conversion changes the output (the prune), unlike the other re-parameterisations. */
  readonly exactDeploy = false;

  constructor(inFeatures: number, outFeatures: number, readonly keepFraction = 0.5) {
    super(inFeatures, outFeatures);
    if (!(keepFraction > 0 && keepFraction <= 1)) throw new RangeError(`CondensableLinear: keepFraction must be in (0, 1], got ${keepFraction}`);
  }

  override resized(outFeatures: number): CondensableLinear {
    return new CondensableLinear(this.inFeatures, outFeatures, this.keepFraction);
  }

  toDeploy(): CondenseLinear {
    return noGrad(() => tidy(() => {
      const keep = Math.floor(this.inFeatures * this.keepFraction);
      const importance = this.weight.abs().sum(0).data<'float32'>();
      // Ascending importance (ties by index), keeping the top `keep`, in that ascending order as the official code does.
      const order = [...importance.keys()].sort((a, b) => importance[a]! - importance[b]! || a - b).slice(this.inFeatures - keep);
      const deployed = new CondenseLinear(keep, this.outFeatures);
      const picks = fromTypedArray(BigInt64Array.from(order, (v) => BigInt(v)));
      deployed.index.copy_(picks);
      deployed.linear.weight.copy_(this.weight.indexSelect(1, picks));
      if (this.bias) deployed.linear.bias!.copy_(this.bias);
      return deployed;
    }));
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, keepFraction=${this.keepFraction}`;
  }
}

/** Gather `inFeatures` input features (index buffer, identity until loaded) -> Linear (the official CondenseLinear). */
export class CondenseLinear extends Module {
  declare readonly index: Tensor;
  declare readonly linear: Linear;

  constructor(readonly inFeatures: number, readonly outFeatures: number) {
    super();
    this.addBuffer('index', arange(inFeatures));
    this.addModule('linear', new Linear(inFeatures, outFeatures));
  }

  forward(x: Tensor): Tensor {
    const picked = x.indexSelect(1, this.index);
    const y = this.linear.forward(picked);
    picked.dispose();
    return y;
  }

  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}`;
  }
}
