// HCGNet's building blocks (Yang et al., AAAI 2020; winycg/HCGNet models/HCGNet_CIFAR.py and
// HCGNet_ImageNet.py): the SMG module and the gated transition, both a squeeze cell followed by the
// same two gates, and the DropBlock the CIFAR transitions apply.
//
// Gated cell, on the squeezed map x (k channels, H x W):
//   forget gate  g = sigmoid(fc2(tanh(BN1d(fc1(ctx_f))))), ctx_f = Σ_p softmax_p(conv1x1(x)) · x_p
//   update gate  two depthwise branches x3 (3x3) and x5 (3x3, dilation 2) with their own spatial-softmax
//                contexts ctx3, ctx5; z = tanh(BN1d(fcall([ctx3; ctx5]))); per channel, the weights
//                (w3, w5) = softmax(fc3x3(z), fc5x5(z)); new = w3·ctx3 + w5·ctx5 (a vector per channel)
//   output       x·g + new
// SMG: squeeze = BN-ReLU-conv1x1 (to 4k) + BN-ReLU-conv3x3 (4 groups, to k), f = r = 2, output
// concat(input, cell). Transition: squeeze = conv1x1 (to c - (c-o)/2) + conv3x3 stride 2 (to o),
// f = r = 4, no concatenation.
//
// Children are named as in the official code (conv1_1x1, conv2_3x3, conv_3x3, conv_5x5,
// global_context3x3, ..., fc1, fc2), so its checkpoints load without renaming. Unlike the official
// code (H = W = x.size(-1)), non-square maps work.
import * as F from '../../engine/functional.js';
import { noGrad } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import { cat, rand, type Tensor } from '../../engine/tensor.js';
import { runInOrder } from '../../nn/containers.js';
import { AdaptiveAvgPool2d, BatchNorm1d, Conv2d } from '../../nn/layers.js';
import { foldsForInference, isWatched } from '../../nn/fusion.js';
import { Module } from '../../nn/module.js';
import { type ProgressAware, sgdrCycle, type TrainingProgress } from '../../nn/training.js';
import type { DenselyConnected } from '../../blocks/dense.js';
import { PreActConv } from '../../blocks/preact.js';

export interface GatedCellOptions {
  /** Forget-gate bottleneck: k → k/f → k. */
  forgetFactor: number;
  /** Update-gate bottleneck: 2k → 2k/r. */
  reductionFactor: number;
}

/**
 * The gates shared by SMG and the transition (the squeeze convs are registered first by the subclass,
 * so the state-dict order follows the official modules').
 */
abstract class GatedCell extends Module {
  declare readonly conv_3x3: PreActConv;
  declare readonly conv_5x5: PreActConv;
  declare readonly global_context3x3: Conv2d;
  declare readonly global_context5x5: Conv2d;
  declare readonly fcall: Conv2d;
  declare readonly bn_attention: BatchNorm1d;
  declare readonly fc3x3: Conv2d;
  declare readonly fc5x5: Conv2d;
  declare readonly global_forget_context: Conv2d;
  declare readonly global_pool: AdaptiveAvgPool2d;
  declare readonly bn_forget: BatchNorm1d;
  declare readonly fc1: Conv2d;
  declare readonly fc2: Conv2d;

  /** Registers the gate layers for a cell of k channels. */
  protected addGates(k: number, { forgetFactor: f, reductionFactor: r }: GatedCellOptions): void {
    // Floor division, as the official code (a 126-channel transition has a 31-wide forget bottleneck).
    const [forget, attention] = [Math.floor(k / f), Math.floor((2 * k) / r)];
    if (forget < 1 || attention < 1) throw new RangeError(`${this.constructor.name}: ${k} channels are too few for forgetFactor ${f} and reductionFactor ${r}`);
    this.addModule('conv_3x3', new PreActConv(k, k, 3, { padding: 1, groups: k }));
    this.addModule('conv_5x5', new PreActConv(k, k, 3, { padding: 2, dilation: 2, groups: k }));
    this.addModule('global_context3x3', new Conv2d(k, 1, 1));
    this.addModule('global_context5x5', new Conv2d(k, 1, 1));
    this.addModule('fcall', new Conv2d(2 * k, attention, 1));
    this.addModule('bn_attention', new BatchNorm1d(attention));
    this.addModule('fc3x3', new Conv2d(attention, k, 1));
    this.addModule('fc5x5', new Conv2d(attention, k, 1));
    this.addModule('global_forget_context', new Conv2d(k, 1, 1));
    this.addModule('global_pool', new AdaptiveAvgPool2d(1));
    this.addModule('bn_forget', new BatchNorm1d(forget));
    this.addModule('fc1', new Conv2d(k, forget, 1));
    this.addModule('fc2', new Conv2d(forget, k, 1));
  }

  /** Σ_p softmax_p(context(x)) · x_p: [N, C, 1, 1] (the official global pool × H·W). */
  private globalContext(x: Tensor, context: Conv2d): Tensor {
    // At inference one attention-pooling op (a kernel on channels-last maps); as written otherwise, so that
    // training and the ONNX tracer see the official ops.
    if (foldsForInference(this) && !isWatched(context) && !isWatched(this.global_pool)) return F.attentionPool2d(x, context.weight, context.bias);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const logits = context.forward(x);
    const weights = F.softmax(logits.view([n, h * w]), 1).view([n, 1, h, w]);
    const weighted = x.mul(weights);
    const pooled = this.global_pool.forward(weighted);
    const out = pooled.mul(h * w);
    for (const t of [logits, weights, weighted, pooled]) t.dispose();
    return out;
  }

  /** A bottleneck over a [N, C, 1, 1] context: fc -> BN1d -> tanh, back as [N, C', 1, 1]. */
  private static squeezeVector(context: Tensor, fc: Conv2d, bn: BatchNorm1d): Tensor {
    const reduced = fc.forward(context);
    const normed = bn.forward(reduced.flatten(1));
    return normed.tanh().view([reduced.size(0), reduced.size(1), 1, 1]);
  }

  /** x·forget(x) + update(x) for the squeezed map x. */
  protected gate(x: Tensor): Tensor {
    return tidy(() => {
      const forget = this.fc2.forward(GatedCell.squeezeVector(this.globalContext(x, this.global_forget_context), this.fc1, this.bn_forget)).sigmoid();
      const ctx3 = this.globalContext(this.conv_3x3.forward(x), this.global_context3x3);
      const ctx5 = this.globalContext(this.conv_5x5.forward(x), this.global_context5x5);
      const z = GatedCell.squeezeVector(cat([ctx3, ctx5], 1), this.fcall, this.bn_attention);
      // softmax over the two branches, per channel: w3 = e^a / (e^a + e^b) = sigmoid(a - b), w5 = 1 - w3.
      const w3 = this.fc3x3.forward(z).sub(this.fc5x5.forward(z)).sigmoid();
      const update = ctx5.add(w3.mul(ctx3.sub(ctx5)));
      return x.mul(forget).add_(update);
    });
  }
}

/** The SMG module: squeeze cell + gates, densely connected (output = concat(input, cell)). */
export class SMG extends GatedCell implements DenselyConnected {
  declare readonly conv1_1x1: PreActConv;
  declare readonly conv2_3x3: PreActConv;

  constructor(readonly inChannels: number, readonly growthRate: number, options: { bottleneck?: number; groups?: number } & Partial<GatedCellOptions> = {}) {
    super();
    const width = (options.bottleneck ?? 4) * growthRate;
    this.addModule('conv1_1x1', new PreActConv(inChannels, width, 1));
    this.addModule('conv2_3x3', new PreActConv(width, growthRate, 3, { padding: 1, groups: options.groups ?? 4 }));
    this.addGates(growthRate, { forgetFactor: options.forgetFactor ?? 2, reductionFactor: options.reductionFactor ?? 2 });
  }

  get growth(): number {
    return this.growthRate;
  }

  /** The cell's k channels that the module appends to its input. */
  newFeatures(x: Tensor): Tensor {
    return tidy(() => this.gate(this.conv2_3x3.forward(this.conv1_1x1.forward(x))));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => cat([x, this.newFeatures(x)], 1));
  }
}

/**
 * DropBlock (Ghiasi et al. 2018) as the official regularization/dropblock: a Bernoulli(γ = p/bs²) seed
 * mask per sample and position, shared by the channels, grown to bs x bs blocks by max pooling (the
 * last row and column cropped for even bs), applied and renormalised by numel / kept. Identity in eval
 * mode or at p = 0.
 */
export class DropBlock2D extends Module {
  constructor(public dropProb: number, readonly blockSize: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.dropProb === 0) return x.view(x.shape);
    const [n, , h, w] = x.shape as [number, number, number, number];
    const bs = this.blockSize;
    return tidy(() => {
      const seeds = noGrad(() => rand([n, 1, h, w]).lt(this.dropProb / (bs * bs)).to('float32'));
      let covered = F.maxPool2d(seeds, { kernelSize: bs, stride: 1, padding: Math.floor(bs / 2) });
      if (bs % 2 === 0) covered = covered.narrow(2, 0, h).narrow(3, 0, w);
      const keep = covered.neg().add(1);
      const kept = keep.sum().item();
      // All dropped (only possible for tiny maps): the official code divides by zero; keep the input instead.
      if (kept === 0) return x.view(x.shape);
      return x.mul(keep).mul(keep.numel / kept);
    });
  }

  override extraRepr(): string {
    return `dropProb=${this.dropProb}, blockSize=${this.blockSize}`;
  }
}

/**
 * DropBlock whose probability follows the SGDR cycle of the epoch (the official SGDRScheduler):
 * p = |0.05·(1 + cos(π·T_cur/T_i)) − 0.1|, rising from 0 to maxProb within each cycle. The cycle is the
 * run's LR schedule's when it is SGDR (as upstream, where the scheduler sets it), else T0 = t0, Tmult 2.
 */
export class SGDRDropBlock extends Module implements ProgressAware {
  declare readonly dropblock: DropBlock2D;

  constructor(blockSize = 2, readonly maxProb = 0.1, readonly t0 = 10) {
    super();
    this.addModule('dropblock', new DropBlock2D(0, blockSize));
  }

  /** The drop probability in a given epoch (from 0). */
  probabilityAt(epoch: number, cycle = sgdrCycle(epoch, this.t0, 2)): number {
    return Math.abs((this.maxProb / 2) * (1 + Math.cos((Math.PI * cycle.tCur) / cycle.tI)) - this.maxProb);
  }

  onTrainingProgress(progress: TrainingProgress): void {
    this.dropblock.dropProb = this.probabilityAt(progress.epoch, progress.restartCycle);
  }

  forward(x: Tensor): Tensor {
    return this.dropblock.forward(x);
  }
}

/**
 * DropBlock with the official LinearScheduler (regularization/dropblock): the drop probability goes from 0 in the
 * first epoch to `maxProb` in the last, linearly by epoch (np.linspace(0, maxProb, epochs)[epoch]); the alternative
 * to SGDRDropBlock.
 */
export class LinearDropBlock extends Module implements ProgressAware {
  declare readonly dropblock: DropBlock2D;

  constructor(blockSize = 2, readonly maxProb = 0.1) {
    super();
    this.addModule('dropblock', new DropBlock2D(0, blockSize));
  }

  /** The drop probability in a given epoch (from 0) of a run of `epochs`. */
  probabilityAt(epoch: number, epochs: number): number {
    return epochs <= 1 ? 0 : (this.maxProb * Math.min(epoch, epochs - 1)) / (epochs - 1);
  }

  onTrainingProgress(progress: TrainingProgress): void {
    this.dropblock.dropProb = this.probabilityAt(progress.epoch, progress.epochs);
  }

  forward(x: Tensor): Tensor {
    return this.dropblock.forward(x);
  }
}

/** How a CIFAR transition's DropBlock is scheduled: by the SGDR cycle (HCGNet's), or linearly over the run. */
export interface DropBlockOptions {
  schedule: 'sgdr' | 'linear';
  blockSize: number;
}

/** HCGNet's transition: squeeze (1x1 then strided 3x3) + gates with f = r = 4; CIFAR's adds DropBlock. */
export class HCGTransition extends GatedCell {
  declare readonly conv1_1x1: PreActConv;
  declare readonly conv2_3x3: PreActConv;
  declare readonly dropblock: SGDRDropBlock | LinearDropBlock | undefined;

  constructor(readonly inChannels: number, readonly outChannels: number, options: { stride?: number; dropBlock?: boolean | DropBlockOptions } = {}) {
    super();
    const mid = inChannels - Math.floor((inChannels - outChannels) / 2);
    this.addModule('conv1_1x1', new PreActConv(inChannels, mid, 1));
    this.addModule('conv2_3x3', new PreActConv(mid, outChannels, 3, { stride: options.stride ?? 2, padding: 1 }));
    this.addGates(outChannels, { forgetFactor: 4, reductionFactor: 4 });
    if (options.dropBlock) {
      const { schedule, blockSize } = options.dropBlock === true ? { schedule: 'sgdr', blockSize: 2 } : options.dropBlock;
      this.addModule('dropblock', schedule === 'linear' ? new LinearDropBlock(blockSize) : new SGDRDropBlock(blockSize));
    }
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.afterSqueeze(this.conv1_1x1.forward(x)));
  }

  /** The BN-ReLU that opens the transition (the stage output a detection backbone takes). */
  openingActivation(x: Tensor): Tensor {
    return runInOrder([this.conv1_1x1.norm, this.conv1_1x1.relu], x);
  }

  /** The rest of the transition, from openingActivation's output: forward(x) = forwardFromActivation(openingActivation(x)). */
  forwardFromActivation(activated: Tensor): Tensor {
    return tidy(() => this.afterSqueeze(this.conv1_1x1.conv.forward(activated)));
  }

  /** The strided 3x3, the gates and DropBlock, from the 1x1's output. */
  private afterSqueeze(h: Tensor): Tensor {
    const y = this.gate(this.conv2_3x3.forward(h));
    return this.dropblock ? this.dropblock.forward(y) : y;
  }
}
