// ACNet's Asymmetric Convolution Block (Ding et al., ICCV 2019; DingXiaoH/ACNet acnet/acb.py).
//
// Training form: three parallel branches on the same input, KxK conv + BN, Kx1 conv + BN and 1xK
// conv + BN, summed (no activation inside). The 1-D windows are aligned with the centre column and
// row of the square window for every padding, so the block is exactly one KxK conv at inference:
// toDeploy() folds each BN into its kernel, adds the 1-D kernels into the centre row/column and
// returns that single conv (with bias).
import { noGrad } from '../../engine/autograd.js';
import type { Tensor } from '../../engine/tensor.js';
import { foldBatchNorm, foldsForInference, runFoldedConv } from '../../nn/fusion.js';
import { BatchNorm2d, Conv2d } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import type { Reparameterizable } from '../../blocks/reparam.js';

/**
 * Initial BN gamma of the three branches: a number for all three (1 is the paper's default, 1/3 the
 * repo's CIFAR recipe), or 'square' for square 1 and the 1-D branches 0: a fresh block then starts as its
 * square conv + BN (the 1-D branches add nothing until their gamma moves). To acnetize a trained model
 * without changing what it computes, see acnetize's preserveFunction.
 */
export type AcbGamma = number | 'square';

export interface ACBlockOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  /** A bias on the square conv (only useful when replacing a conv that had one; it is folded on deploy). */
  bias?: boolean;
  gamma?: AcbGamma;
  /**
   * Length of the 1-D branches (default: the kernel size, 1xK and Kx1). A shorter odd length centres them on the
   * square window: ACNet's README adds 1x3 and 3x1 branches to Cifar-quick's 5x5 convs.
   */
  branchLength?: number;
  /** Of the three BNs (defaults 1e-5 and 0.1, as PyTorch). */
  bnEps?: number;
  bnMomentum?: number;
}

export class ACBlock extends Module implements Reparameterizable {
  declare readonly square_conv: Conv2d;
  declare readonly square_bn: BatchNorm2d;
  declare readonly ver_conv: Conv2d;
  declare readonly ver_bn: BatchNorm2d;
  declare readonly hor_conv: Conv2d;
  declare readonly hor_bn: BatchNorm2d;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;
  /** Length of the 1-D branches (branchLength x 1 and 1 x branchLength). */
  readonly branchLength: number;
  /** How many rows (ver: columns) of the input the 1-D branches skip on each side, when padding < the window's half. */
  readonly crop: number;
  /** How many input pixels the 1-D branches skip on each side along their window, when padding < the square rows beside it. */
  readonly cropAlong: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, options: ACBlockOptions = {}) {
    super();
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(kernelSize) || kernelSize < 3 || kernelSize % 2 === 0) {
      throw new RangeError(`ACBlock: kernelSize must be an odd integer >= 3, got ${kernelSize}`);
    }
    for (const [what, v, min] of [['stride', this.stride, 1], ['padding', this.padding, 0], ['dilation', this.dilation, 1]] as const) {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`ACBlock: ${what} must be an integer >= ${min}, got ${v}`);
    }
    const length = options.branchLength ?? kernelSize;
    if (!Number.isInteger(length) || length < 1 || length > kernelSize || length % 2 === 0) {
      throw new RangeError(`ACBlock: branchLength must be an odd integer from 1 to the kernel size ${kernelSize}, got ${length}`);
    }
    this.branchLength = length;
    // The centre of the (dilated) square window sits `half` pixels from its edge. A 1-D branch pads its
    // short axis by padding - half and its long axis by padding - (the square's rows beside its window), or
    // crops the input by as much when that is negative.
    const half = this.dilation * Math.floor(kernelSize / 2);
    const short = this.padding - half;
    const long = this.padding - (this.dilation * (kernelSize - length)) / 2;
    this.crop = Math.max(0, -short);
    this.cropAlong = Math.max(0, -long);
    const [shortPad, longPad] = [Math.max(0, short), Math.max(0, long)];
    const conv = (kh: number, kw: number, padding: [number, number], bias: boolean): Conv2d =>
      new Conv2d(inChannels, outChannels, [kh, kw], { stride: this.stride, padding, dilation: this.dilation, groups: this.groups, bias });
    const bn = (): BatchNorm2d => new BatchNorm2d(outChannels, { eps: options.bnEps, momentum: options.bnMomentum });
    this.addModule('square_conv', conv(kernelSize, kernelSize, [this.padding, this.padding], options.bias ?? false));
    this.addModule('square_bn', bn());
    this.addModule('ver_conv', conv(length, 1, [longPad, shortPad], false));
    this.addModule('ver_bn', bn());
    this.addModule('hor_conv', conv(1, length, [shortPad, longPad], false));
    this.addModule('hor_bn', bn());
    this.initGamma(options.gamma ?? 1);
  }

  /** Sets the three BN gammas (see AcbGamma). */
  initGamma(gamma: AcbGamma): this {
    if (gamma !== 'square' && !Number.isFinite(gamma)) throw new RangeError(`ACBlock: gamma must be a number or 'square', got ${String(gamma)}`);
    const [square, oneD] = gamma === 'square' ? [1, 0] : [gamma, gamma];
    noGrad(() => {
      this.square_bn.weight!.fill_(square);
      this.ver_bn.weight!.fill_(oneD);
      this.hor_bn.weight!.fill_(oneD);
    });
    return this;
  }

  forward(x: Tensor): Tensor {
    if (foldsForInference(this)) {
      // At inference the block is its deploy conv: one kernel instead of three convs and three BNs.
      const sources = [...this.parameters(), ...this.namedBuffers().map(([, b]) => b)];
      return runFoldedConv(this, 'deploy', sources, () => this.fusedKernel(), this.square_conv.weight, x, this);
    }
    const out = this.branch(this.square_conv, this.square_bn, x);
    // ver (Kx1) is 1 wide across columns (dim 3) and long down rows (dim 2); hor the other way round.
    for (const [conv, bn, shortDim] of [[this.ver_conv, this.ver_bn, 3], [this.hor_conv, this.hor_bn, 2]] as const) {
      let input = x;
      for (const [dim, crop] of [[shortDim, this.crop], [5 - shortDim, this.cropAlong]] as const) {
        if (crop === 0) continue;
        const cropped = input.narrow(dim, crop, input.shape[dim]! - 2 * crop);
        if (input !== x) input.dispose();
        input = cropped;
      }
      const y = this.branch(conv, bn, input);
      if (input !== x) input.dispose();
      out.add_(y);
      y.dispose();
    }
    return out;
  }

  private branch(conv: Conv2d, bn: BatchNorm2d, x: Tensor): Tensor {
    const h = conv.forward(x);
    const y = bn.forward(h);
    h.dispose();
    return y;
  }

  /** The single KxK kernel and bias equal to the block in eval mode (float64; the caller owns them). */
  private fusedKernel(): [Tensor, Tensor] {
    return noGrad(() => {
      const [wSquare, bSquare] = foldBatchNorm(this.square_conv, this.square_bn);
      const [wVer, bVer] = foldBatchNorm(this.ver_conv, this.ver_bn);
      const [wHor, bHor] = foldBatchNorm(this.hor_conv, this.hor_bn);
      const centre = Math.floor(this.kernelSize / 2);
      const start = (this.kernelSize - this.branchLength) / 2;
      const [column, line] = [wSquare.narrow(3, centre, 1), wSquare.narrow(2, centre, 1)];
      const col = column.narrow(2, start, this.branchLength);
      col.add_(wVer);
      const row = line.narrow(3, start, this.branchLength);
      row.add_(wHor);
      const bias = bSquare.add(bVer).add_(bHor);
      for (const t of [bSquare, wVer, bVer, wHor, bHor, column, line, col, row]) t.dispose();
      return [wSquare, bias];
    });
  }

  /**
   * The equivalent single KxK conv with bias, from the BNs' running statistics (the block's eval-mode
   * function). Computed in float64, stored in the block's dtype.
   */
  toDeploy(): Conv2d {
    const fused = new Conv2d(this.inChannels, this.outChannels, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, bias: true,
    });
    noGrad(() => {
      const [weight, bias] = this.fusedKernel();
      fused.weight.copy_(weight);
      fused.bias!.copy_(bias);
      weight.dispose();
      bias.dispose();
    });
    return fused;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
    if (this.dilation !== 1) s += `, dilation=${this.dilation}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.branchLength !== this.kernelSize) s += `, branches=1x${this.branchLength}`;
    return s;
  }
}
