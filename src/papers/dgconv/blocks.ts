// Dynamic grouping convolution (Zhang et al., "Differentiable Learning-to-Group Channels via Groupable
// Convolutional Neural Networks", ICCV 2019; d-li14/dgconv.pytorch dgconv.py).
//
// Training form, DGConv2d: a dense conv whose weight is multiplied by a C×C connection mask
//   U = U_0 ⊗ U_1 ⊗ … ⊗ U_{K-1},  U_k = (1 − b_k)·I₂ + b_k·1₂,  K = log2 C,
// where b_k = (sign(gate_k) + 1)/2 binarises a real gate (straight-through: the forward uses b, the
// gradient reaches the gate as if db/dgate = 1). A gate at 0 splits (identity factor), at 1 merges
// (all-ones factor). Channels i and j are connected iff their binary indices agree on every split
// factor (U_0 is the most significant bit), so U has 2^(K−Σb) groups of 2^Σb channels: interleaved
// unless `sort` puts the split factors first, which makes the groups contiguous blocks. The
// regulariser 'connections' is U's number of non-zeros, R = 2^(K+Σb) (its gradient R·ln2 per gate).
// Buffers `D` (the 2×2 identity) and `I` (the 2×2 all-ones matrix) and the parameter `gate` keep the
// official names, so its checkpoints load as they are.
//
// Deploy form: the same function as a real group conv. U is block-diagonal up to a channel
// permutation, so the layer becomes gather → group conv (groups = 2^(K−Σb)) → gather back, or a
// plain group conv when the groups are already contiguous. Blocks that own the neighbouring layers
// (G-ResNeXt's bottleneck) fold the permutation into them instead (see foldGroupStructure users).
import * as F from '../../engine/functional.js';
import { noGrad } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import { cat, eye, fromTypedArray, ones, rand, scalar, type Tensor, where } from '../../engine/tensor.js';
import { Conv2d } from '../../nn/layers.js';
import { Module } from '../../nn/module.js';
import type { Regularized, StructureReporting } from '../../nn/training.js';
import type { Reparameterizable } from '../../blocks/reparam.js';
import { convMacs, registerMacCounter } from '../../nn/macs.js';
import type { LearnedStructure } from '../../nn/structure.js';

/** (sign(x) + 1)/2 in the forward pass, the identity in the backward pass. */
export function binarizeStraightThrough(gate: Tensor): Tensor {
  return tidy(() => F.straightThrough(noGrad(() => gate.sign().add(1).div(2)), gate));
}

/**
 * Kronecker product of the factors, multiplied pairwise level by level as the official `aggregate`
 * does (the product is associative, so this is U_0 ⊗ U_1 ⊗ … in order).
 */
export function kroneckerChain(factors: readonly Tensor[]): Tensor {
  if (factors.length === 0) throw new RangeError('kroneckerChain: no factors');
  return tidy(() => {
    let level = [...factors];
    while (level.length > 1) {
      const next: Tensor[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.kron(level[i + 1]!));
      if (level.length % 2 === 1) next.push(level.at(-1)!);
      level = next;
    }
    // A single factor is returned as a copy so that the result is never the caller's own tensor.
    return factors.length === 1 ? level[0]!.mul(1) : level[0]!;
  });
}

/**
 * The connection mask U (C×C, C = 2^K) of gates b ([K], binary in use; a graph node keeps the
 * gradient): factor k is (1 − b_k)·D + b_k·I. With `sort` the factors are reordered split (b = 0)
 * first, as the official `aggregate(sort=True)`.
 */
export function groupMask(b: Tensor, options: { sort?: boolean; D?: Tensor; I?: Tensor } = {}): Tensor {
  return tidy(() => {
    const identity = options.D ?? eye(2);
    const allOnes = options.I ?? ones([2, 2]);
    let gates = b;
    if (options.sort) {
      const values = noGrad(() => b.data<'float32'>());
      const order = [...values.keys()].sort((x, y) => Number(values[x]! > 0.5) - Number(values[y]! > 0.5) || x - y);
      gates = b.indexSelect(0, fromTypedArray(BigInt64Array.from(order, (v) => BigInt(v))));
    }
    const factors = gates.unbind(0).map((bk) => identity.mul(bk.neg().add(1)).add(allOnes.mul(bk)));
    return kroneckerChain(factors);
  });
}

/** The channel grouping a mask stands for: `groups` groups of `size`, listed group by group in `order`. */
export interface GroupStructure {
  groups: number;
  size: number;
  /** Channels group by group (groups by their smallest channel, channels ascending); the identity when the groups are contiguous. */
  order: number[];
}

/**
 * Reads the group structure of a C×C 0/1 mask, checking that it is one: every channel connects to
 * exactly the members of its own group (equal-size cliques). Anything else is an error naming the
 * offending entry.
 */
export function maskGroups(mask: Float32Array, channels: number, what = 'mask'): GroupStructure {
  const groupOf = new Int32Array(channels).fill(-1);
  const members: number[][] = [];
  for (let i = 0; i < channels; i++) {
    const row: number[] = [];
    for (let j = 0; j < channels; j++) {
      const v = mask[i * channels + j]!;
      if (v === 1) row.push(j);
      else if (v !== 0) throw new Error(`${what}: entry (${i}, ${j}) is ${v}, not 0 or 1 (a gate exactly at 0 binarises to 0.5 and leaves no group structure)`);
    }
    if (groupOf[i] === -1) {
      if (!row.includes(i)) throw new Error(`${what}: channel ${i} is not connected to itself`);
      for (const j of row) {
        if (groupOf[j] !== -1) throw new Error(`${what}: channel ${j} belongs to two groups`);
        groupOf[j] = members.length;
      }
      members.push(row);
    } else {
      const own = members[groupOf[i]!]!;
      if (row.length !== own.length || row.some((j, k) => own[k] !== j)) throw new Error(`${what}: channel ${i} connects to other channels than its group`);
    }
  }
  const size = members[0]!.length;
  if (members.some((m) => m.length !== size)) throw new Error(`${what}: the groups have different sizes`);
  return { groups: members.length, size, order: members.flat() };
}

export const isIdentityOrder = (order: readonly number[]): boolean => order.every((v, i) => v === i);

const indexTensor = (values: readonly number[]): Tensor => fromTypedArray(BigInt64Array.from(values, (v) => BigInt(v)));

/**
 * A dense conv weight [C, C, kh, kw] restricted to a group structure: rows and columns taken in
 * `order`, the diagonal blocks stacked into the grouped weight [C, C/groups, kh, kw] that a group
 * conv over the reordered channels uses.
 */
export function groupedWeight(weight: Tensor, structure: GroupStructure): Tensor {
  return tidy(() => {
    const index = indexTensor(structure.order);
    const permuted = weight.indexSelect(0, index).indexSelect(1, index);
    const { groups, size } = structure;
    if (groups === 1) return permuted;
    const blocks = Array.from({ length: groups }, (_, g) => permuted.narrow(0, g * size, size).narrow(1, g * size, size));
    return cat(blocks, 0);
  });
}

/** Inverse of a permutation: inverse[order[p]] = p. */
export function inversePermutation(order: readonly number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((channel, p) => (inverse[channel] = p));
  return inverse;
}

export interface DGConv2dOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  /** Default true, as the official layer. */
  bias?: boolean;
  /** Order the factors split-first so that the groups are contiguous (default false, as G-ResNeXt). */
  sort?: boolean;
}

export class DGConv2d extends Module implements Reparameterizable, Regularized, StructureReporting, LearnedStructure {
  /** Checkpoints before form.structure recorded the gates of every DGConv2d by path. */
  static readonly legacyFormField = { key: 'dgGates', perLayer: true };
  declare readonly gate: Tensor;
  declare readonly D: Tensor;
  declare readonly I: Tensor;
  declare readonly conv: Conv2d;
  /** log2 of the channel count: the number of gates. */
  readonly K: number;
  readonly sort: boolean;
  readonly regularizerNames = ['connections'] as const;
  /** Gates are not weights: the trainer leaves them out of weight decay unless told otherwise. */
  readonly gateParameterNames = ['gate'] as const;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, options: DGConv2dOptions = {}) {
    super();
    const K = Math.log2(inChannels);
    if (!Number.isInteger(K) || K < 1) throw new RangeError(`DGConv2d: inChannels must be a power of two >= 2 (one gate per Kronecker factor), got ${inChannels}`);
    if (outChannels !== inChannels) throw new RangeError(`DGConv2d: the connection mask is square, so outChannels must equal inChannels (${inChannels}), got ${outChannels}`);
    this.K = K;
    this.sort = options.sort ?? false;
    // ±1e-8 with a random sign (the official init since commit bfb0146): every gate starts at the split/merge boundary.
    this.addParameter('gate', noGrad(() => tidy(() => where(rand([K]).lt(0.5), -1e-8, 1e-8))));
    this.addBuffer('D', eye(2));
    this.addBuffer('I', ones([2, 2]));
    this.addModule('conv', new Conv2d(inChannels, outChannels, kernelSize, {
      stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1, bias: options.bias ?? true,
    }));
  }

  /** The binary gates b (straight-through: a graph node whose gradient flows to `gate`). */
  binaryGates(): Tensor {
    return binarizeStraightThrough(this.gate);
  }

  /** The connection mask U [C, C] in use (a graph node). */
  mask(): Tensor {
    return tidy(() => groupMask(this.binaryGates(), { sort: this.sort, D: this.D, I: this.I }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const c = this.inChannels;
      const weight = this.conv.weight.mul(this.mask().view([c, c, 1, 1]));
      return F.conv2d(x, weight, { bias: this.conv.bias, stride: this.conv.stride, padding: this.conv.padding, dilation: this.conv.dilation });
    });
  }

  /** R = 2^(K + Σb), U's number of non-zeros (a graph node through the straight-through gates). */
  regularizer(name: string): Tensor | undefined {
    if (name !== 'connections') return undefined;
    return tidy(() => scalar(2).pow(this.binaryGates().sum().add(this.K)));
  }

  /** The largest R: every channel connected (C²). */
  regularizerBound(name: string): number {
    return name === 'connections' ? this.inChannels ** 2 : 0;
  }

  /** The binary gates as numbers (0, 1; 0.5 for a gate exactly at 0). */
  gateValues(): number[] {
    return noGrad(() => tidy(() => [...this.gate.sign().add(1).div(2).data<'float32'>()]));
  }

  /** Sets the gates to these binary values (±1 for 1/0): a deploy form is rebuilt from its recorded gates this way. */
  setGates(binary: readonly number[]): void {
    if (binary.length !== this.K || binary.some((v) => v !== 0 && v !== 1)) {
      throw new RangeError(`DGConv2d(${this.inChannels}): expected ${this.K} binary gates, got [${binary.join(', ')}]`);
    }
    noGrad(() => tidy(() => this.gate.copy_(fromTypedArray(Float32Array.from(binary, (v) => (v ? 1 : -1))))));
  }

  /** The binary gates: they fix the deploy form's group count and channel order. */
  exportStructure(): number[] {
    return this.gateValues();
  }

  /** Sets the recorded gates (undefined: no record, the gates stay as they are). */
  restoreStructure(gates: unknown): void {
    if (gates === undefined) return;
    if (!Array.isArray(gates)) throw new RangeError(`DGConv2d(${this.inChannels}): recorded gates must be a list, got ${JSON.stringify(gates)}`);
    this.setGates(gates as number[]);
  }

  /** Group count 2^(K − Σb). */
  get groups(): number {
    return 2 ** (this.K - this.gateValues().reduce((a, b) => a + b, 0));
  }

  learnedStructure(): { label: string; value: number } {
    return { label: 'groups', value: this.groups };
  }

  /** The groups the current gates define, read off the mask itself. */
  groupStructure(): GroupStructure {
    const mask = noGrad(() => tidy(() => this.mask().contiguous().data<'float32'>()));
    return maskGroups(mask, this.inChannels, `DGConv2d(${this.inChannels}) mask`);
  }

  /** The same function as a group conv: a Conv2d when the groups are contiguous, else a PermutedGroupConv. */
  toDeploy(): Module {
    const structure = this.groupStructure();
    return noGrad(() => tidy(() => {
      const conv = new Conv2d(this.inChannels, this.outChannels, this.conv.kernelSize, {
        stride: this.conv.stride, padding: this.conv.padding, dilation: this.conv.dilation, groups: structure.groups, bias: this.conv.bias !== undefined,
      });
      conv.weight.copy_(groupedWeight(this.conv.weight, structure));
      if (isIdentityOrder(structure.order)) {
        if (this.conv.bias) conv.bias!.copy_(this.conv.bias);
        return conv;
      }
      if (this.conv.bias) conv.bias!.copy_(this.conv.bias.indexSelect(0, indexTensor(structure.order)));
      return new PermutedGroupConv(conv, structure.order);
    }));
  }

  override extraRepr(): string {
    const c = this.conv;
    let s = `${this.inChannels}, ${this.outChannels}, kernel=${c.kernelSize[0]}, stride=${c.stride[0]}`;
    if (c.padding[0]) s += `, padding=${c.padding[0]}`;
    if (c.dilation[0] !== 1) s += `, dilation=${c.dilation[0]}`;
    if (this.sort) s += ', sort=true';
    return `${s}, gates=${this.K}`;
  }
}

// The profiler counts a DGConv's dense conv with the masked weight (zeros included); its deploy form counts as a group conv.
registerMacCounter(DGConv2d, (m, input, output) => convMacs((m as DGConv2d).conv, input, output));

/**
 * A group conv over a channel permutation: gather the inputs in `order` (buffer `index`), group conv,
 * scatter the outputs back (buffer `inverse`). The deploy form of a DGConv2d with interleaved groups
 * whose neighbours cannot absorb the permutation.
 */
export class PermutedGroupConv extends Module {
  declare readonly index: Tensor;
  declare readonly inverse: Tensor;
  declare readonly conv: Conv2d;

  constructor(conv: Conv2d, order: readonly number[]) {
    super();
    if (order.length !== conv.inChannels || order.length !== conv.outChannels) {
      throw new RangeError(`PermutedGroupConv: the order has ${order.length} channels, the conv ${conv.inChannels} -> ${conv.outChannels}`);
    }
    this.addBuffer('index', indexTensor(order));
    this.addBuffer('inverse', indexTensor(inversePermutation(order)));
    this.addModule('conv', conv);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.conv.forward(x.indexSelect(1, this.index)).indexSelect(1, this.inverse));
  }
}
