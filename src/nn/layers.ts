// Leaf layers: convolution, normalisation, linear, activations, pooling, dropout, reshaping.
import * as F from '../engine/functional.js';
import { empty, ones, scalar, Tensor, zeros } from '../engine/tensor.js';
import { pytorchDefault_ } from './init.js';
import { Module } from './module.js';

export type Size2 = F.Size2;
const pair = (v: Size2): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const fmt = (v: [number, number]): string => (v[0] === v[1] ? String(v[0]) : `(${v[0]}, ${v[1]})`);

function positiveInt(value: number, what: string, owner: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${owner}: ${what} must be a positive integer, got ${value}`);
  return value;
}

export interface Conv2dOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  groups?: number;
  /** Default true, as PyTorch. */
  bias?: boolean;
}

export class Conv2d extends Module {
  declare readonly weight: Tensor;
  declare readonly bias: Tensor | undefined;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size2, options: Conv2dOptions = {}) {
    super();
    positiveInt(inChannels, 'inChannels', 'Conv2d');
    positiveInt(outChannels, 'outChannels', 'Conv2d');
    this.kernelSize = pair(kernelSize);
    this.stride = pair(options.stride ?? 1);
    this.padding = pair(options.padding ?? 0);
    this.dilation = pair(options.dilation ?? 1);
    this.groups = positiveInt(options.groups ?? 1, 'groups', 'Conv2d');
    if (inChannels % this.groups || outChannels % this.groups) {
      throw new RangeError(`Conv2d: groups=${this.groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.addParameter('weight', empty([outChannels, inChannels / this.groups, ...this.kernelSize]));
    if (options.bias ?? true) this.addParameter('bias', empty([outChannels]));
    pytorchDefault_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return this.forwardWithEpilogue(x, {});
  }

  /** relu(conv(x) + residual) as one op (F.conv2d's epilogue): how runInOrder and residual blocks end a conv at inference. */
  forwardWithEpilogue(x: Tensor, epilogue: F.ConvEpilogue): Tensor {
    return F.conv2d(x, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, ...epilogue });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`;
    if (this.padding[0] || this.padding[1]) s += `, padding=${fmt(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${fmt(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === undefined) s += ', bias=false';
    return s;
  }
}

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  /** Learnable gamma and beta (default true). */
  affine?: boolean;
}

/** Batch normalisation over dim 1; the running statistics are buffers, as PyTorch's. */
export abstract class BatchNorm extends Module {
  declare readonly weight: Tensor | undefined;
  declare readonly bias: Tensor | undefined;
  declare readonly running_mean: Tensor;
  declare readonly running_var: Tensor;
  declare readonly num_batches_tracked: Tensor;
  readonly eps: number;
  readonly momentum: number;
  protected abstract readonly inputDims: readonly number[];

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    positiveInt(numFeatures, 'numFeatures', this.constructor.name);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (options.affine ?? true) {
      this.addParameter('weight', ones([numFeatures]));
      this.addParameter('bias', zeros([numFeatures]));
    }
    this.addBuffer('running_mean', zeros([numFeatures]));
    this.addBuffer('running_var', ones([numFeatures]));
    this.addBuffer('num_batches_tracked', scalar(0, { dtype: 'int64' }));
  }

  forward(x: Tensor): Tensor {
    return this.normalize(x, false);
  }

  /** forward then ReLU, in one pass where the engine's kernel allows it (runInOrder uses it for BN -> ReLU). */
  forwardRelu(x: Tensor): Tensor {
    return this.normalize(x, true);
  }

  protected normalize(x: Tensor, relu: boolean): Tensor {
    this.checkInput(x);
    if (this.training) this.num_batches_tracked.add_(1);
    return F.batchNorm(x, this.running_mean, this.running_var, {
      weight: this.weight, bias: this.bias, training: this.training, momentum: this.momentum, eps: this.eps, relu,
    });
  }

  protected checkInput(x: Tensor): void {
    if (!this.inputDims.includes(x.ndim)) {
      throw new RangeError(`${this.constructor.name}: expected a ${this.inputDims.join('-d or ')}-d input, got shape [${x.shape.join(', ')}]`);
    }
    if (this.training && x.numel / x.size(1) === 1) {
      // libtorch would fail deep inside with "Expected more than 1 value per channel when training".
      throw new RangeError(`${this.constructor.name}: training mode needs more than one value per channel, got input [${x.shape.join(', ')}] ` +
        '(a batch of 1 through a layer that normalises pooled vectors); use a batch of at least 2, or eval()');
    }
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}${this.weight ? '' : ', affine=false'}`;
  }
}

export class BatchNorm1d extends BatchNorm {
  protected readonly inputDims = [2, 3];
}
export class BatchNorm2d extends BatchNorm {
  protected readonly inputDims = [4];
}

/** Group normalisation (torch.nn.GroupNorm): statistics over groups of channels of each sample, no running statistics. */
export class GroupNorm extends Module {
  declare readonly weight: Tensor | undefined;
  declare readonly bias: Tensor | undefined;
  readonly eps: number;

  constructor(readonly numGroups: number, readonly numChannels: number, options: { eps?: number; affine?: boolean } = {}) {
    super();
    positiveInt(numGroups, 'numGroups', 'GroupNorm');
    positiveInt(numChannels, 'numChannels', 'GroupNorm');
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: ${numChannels} channels cannot be split into ${numGroups} groups`);
    this.eps = options.eps ?? 1e-5;
    if (options.affine ?? true) {
      this.addParameter('weight', ones([numChannels]));
      this.addParameter('bias', zeros([numChannels]));
    }
  }

  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}${this.weight ? '' : ', affine=false'}`;
  }
}

export class Linear extends Module {
  declare readonly weight: Tensor;
  declare readonly bias: Tensor | undefined;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    positiveInt(inFeatures, 'inFeatures', 'Linear');
    positiveInt(outFeatures, 'outFeatures', 'Linear');
    this.addParameter('weight', empty([outFeatures, inFeatures]));
    if (options.bias ?? true) this.addParameter('bias', empty([outFeatures]));
    pytorchDefault_(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  /** A new Linear of the same kind and inputs with `outFeatures` outputs, freshly initialised (a classifier for another class count). */
  resized(outFeatures: number): Linear {
    return new Linear(this.inFeatures, outFeatures, { bias: this.bias !== undefined });
  }

  override extraRepr(): string {
    return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
  }
}

// --- activations ----------------------------------------------------------------------------------------
/** A parameter-free elementwise module. */
abstract class Activation extends Module {
  protected abstract fn(x: Tensor): Tensor;
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}
export class ReLU extends Activation { protected fn = F.relu; }
export class ReLU6 extends Activation { protected fn = F.relu6; }
export class Sigmoid extends Activation { protected fn = F.sigmoid; }
export class Tanh extends Activation { protected fn = F.tanh; }
export class SiLU extends Activation { protected fn = F.silu; }
export class GELU extends Activation { protected fn = F.gelu; }
export class Hardswish extends Activation { protected fn = F.hardswish; }
export class LeakyReLU extends Activation {
  constructor(readonly negativeSlope = 0.01) { super(); }
  protected fn = (x: Tensor): Tensor => F.leakyRelu(x, this.negativeSlope);
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

// --- pooling ------------------------------------------------------------------------------------------
export class MaxPool2d extends Module {
  constructor(readonly options: F.MaxPool2dOptions) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool2d(x, this.options); }
  override extraRepr(): string { return JSON.stringify(this.options); }
}
export class AvgPool2d extends Module {
  constructor(readonly options: F.AvgPool2dOptions) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool2d(x, this.options); }
  override extraRepr(): string { return JSON.stringify(this.options); }
}
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size2) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
  override extraRepr(): string { return `outputSize=${fmt(pair(this.outputSize))}`; }
}

// --- other --------------------------------------------------------------------------------------------
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
}

/** Returns a new reference to its input (so callers can dispose input and output independently). */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x.view(x.shape); }
}
