// ACNet for any model: acnetize() swaps every 3x3 and 5x5 conv for an ACBlock the way the reference
// builder (acnet/acnet_builder.py) does, and switchToDeploy() fuses the blocks back into plain convs.
//
// The rule, applied inside every parent module in registration order:
//   conv KxK followed directly by a BatchNorm2d over its outputs -> ACB; the BN becomes Identity
//     (the ACB's three BNs replace it: the reference's Conv2dBN);
//   any other conv KxK (a bare conv, or the conv of a pre-activation BN-ReLU-conv unit) -> ACB, with the
//     BNs that an ACB always has (so a bare stem conv gains BNs, as in the reference).
// 1x1 convs and convs of 7x7 and larger are kept, as are non-square kernels and convs whose stride,
// padding or dilation differ between the axes.
import { ACBlock, type AcbGamma } from './blocks.js';
import { noGrad } from '../../engine/autograd.js';
import { isReparameterizable } from '../../blocks/reparam.js';
import { BatchNorm2d, Conv2d, Identity } from '../../nn/layers.js';
import type { Module } from '../../nn/module.js';
import { tidy } from '../../engine/scope.js';
import type { Tensor } from '../../engine/tensor.js';
import { registerDeployConversion, reparameterize } from '../../convert/reparameterize.js';
import { registerModelTransform } from '../../convert/transforms.js';

declare module '../../convert/form.js' {
  interface ModelForm {
    /** ACNet training form (every 3x3/5x5 conv an ACBlock) with this initial gamma and 1-D branch length (default: the kernel's). */
    acb?: { gamma: AcbGamma; branchLength?: number };
  }
}

export interface AcnetizeOptions {
  /** Initial BN gamma of every branch (default 1, the paper's; the repo's CIFAR recipe uses 1/3). */
  gamma?: AcbGamma;
  /** Length of the blocks' 1-D branches (default: each conv's kernel size; 3 gives 1x3 and 3x1 on 5x5 convs too). */
  branchLength?: number;
  /** Kernel sizes to replace (default [3, 5], the reference builder's rule). */
  kernelSizes?: readonly number[];
  /** Extra filter: return false to keep a conv (path is its dotted name). */
  filter?: (path: string, conv: Conv2d) => boolean;
  /**
   * Keep what a trained model computes: each block's square branch takes the replaced BN (γ, β,
   * running statistics, ε, momentum; identity statistics for a bare conv) and the 1-D branches start
   * at zero (their BN γ = β = 0). 'auto' (default) does so when the model's BNs hold trained values
   * (batches tracked, or statistics/affine values that differ from a fresh BN's).
   */
  preserveFunction?: boolean | 'auto';
}

/** Whether any BatchNorm of the model holds values a fresh one does not (it has been trained or loaded). */
export function hasTrainedBatchNorms(model: Module): boolean {
  return noGrad(() => model.modules().some((m) => {
    if (!(m instanceof BatchNorm2d)) return false;
    const fresh: [Tensor | undefined, number][] = [[m.running_mean, 0], [m.running_var, 1], [m.weight, 1], [m.bias, 0]];
    const tracked = m.num_batches_tracked?.item() ?? 0;
    return tracked > 0 || fresh.some(([t, v]) => t !== undefined && tidy(() => t.sub(v).abs().max().item()) !== 0);
  }));
}

function replaceable(conv: Conv2d, kernelSizes: readonly number[]): boolean {
  const [kh, kw] = conv.kernelSize;
  const uniform = (v: [number, number]): boolean => v[0] === v[1];
  return kh === kw && kernelSizes.includes(kh) && uniform(conv.stride) && uniform(conv.padding) && uniform(conv.dilation);
}

/**
 * Turns the model into its ACNet training form in place and returns it. The square branch starts from
 * the original kernel (and bias). On a fresh model the BNs start fresh with the requested gamma; on a
 * trained one (see preserveFunction) the block computes what the replaced layers did, so fine-tuning
 * starts from the trained function. Existing ACBlocks are left alone, so acnetizing twice changes nothing.
 */
export function acnetize(model: Module, options: AcnetizeOptions = {}): Module {
  const kernelSizes = options.kernelSizes ?? [3, 5];
  const preserve = options.preserveFunction === 'auto' || options.preserveFunction === undefined ? hasTrainedBatchNorms(model) : options.preserveFunction;
  const visit = (parent: Module, prefix: string): void => {
    const children = parent.namedChildren();
    for (const [i, [name, child]] of children.entries()) {
      const path = prefix ? `${prefix}.${name}` : name;
      // ACBlocks and other papers' training-form blocks keep their convs (a DGConv convolves with its conv's masked weight).
      if (isReparameterizable(child)) continue;
      if (!(child instanceof Conv2d)) {
        visit(child, path);
        continue;
      }
      if (!replaceable(child, kernelSizes) || (options.filter && !options.filter(path, child))) continue;
      const [nextName, next] = children[i + 1] ?? [];
      const bn = next instanceof BatchNorm2d && next.numFeatures === child.outChannels ? next : undefined;
      const block = new ACBlock(child.inChannels, child.outChannels, child.kernelSize[0], {
        stride: child.stride[0], padding: child.padding[0], dilation: child.dilation[0], groups: child.groups,
        bias: child.bias !== undefined, gamma: options.gamma, bnEps: bn?.eps, bnMomentum: bn?.momentum,
        branchLength: options.branchLength === undefined ? undefined : Math.min(options.branchLength, child.kernelSize[0]),
      });
      noGrad(() => {
        block.square_conv.weight.copy_(child.weight);
        if (child.bias) block.square_conv.bias!.copy_(child.bias);
        if (preserve) inheritFunction(block, bn);
      });
      parent.setSubmodule(name, block).dispose();
      if (bn) parent.setSubmodule(nextName!, new Identity()).dispose();
    }
  };
  visit(model, '');
  return model;
}

/**
 * Makes a new block compute what the conv (+ BN) it replaces computed: the square BN takes the old BN's
 * state (or becomes an identity in eval mode for a bare conv), the 1-D branches output zero.
 */
function inheritFunction(block: ACBlock, bn: BatchNorm2d | undefined): void {
  const square = block.square_bn;
  if (bn) {
    for (const name of ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'] as const) {
      const from = bn[name];
      const to = square[name];
      if (from && to) to.copy_(from);
    }
  } else {
    // (x - 0) / sqrt((1 - eps) + eps) = x: an identity in eval mode (training mode normalises by the batch).
    square.running_var.fill_(1 - square.eps);
  }
  for (const oneD of [block.ver_bn, block.hor_bn]) {
    oneD.weight!.fill_(0);
    oneD.bias!.fill_(0);
  }
}

/** Fuses every ACBlock of the model into one KxK conv with bias (in place); other blocks are kept. */
export function switchToDeploy(model: Module): Module {
  return reparameterize(model, (block) => block instanceof ACBlock);
}

registerDeployConversion({ paper: 'ACNet', description: 'each ACBlock fused into one plain conv with bias (BN running statistics folded in);' });

registerModelTransform<{ gamma: AcbGamma; branchLength?: number }>({
  name: 'acb',
  label: 'ACNet form',
  description: "ACNet's training form: every 3x3/5x5 conv an Asymmetric Convolution Block (options: the branches' initial BN gamma, their length)",
  apply: (model, options, { preserveFunction }) => acnetize(model, { gamma: options.gamma, branchLength: options.branchLength, preserveFunction }),
  defaults: { gamma: 1 },
  flags: {
    help: 'the ACNet training form (every 3x3/5x5 conv an Asymmetric Convolution Block)',
    options: [{
      flag: 'acb-gamma', usage: '--acb-gamma G', help: 'initial BN gamma of its branches: 1 (default), 1/3, any number, square',
      set: (options, text) => ({ ...options, gamma: parseAcbGamma(text) }),
    }],
  },
});

/** Parses a gamma option: a number, a fraction such as '1/3', or 'square'. */
export function parseAcbGamma(text: string): AcbGamma {
  if (text === 'square') return 'square';
  const fraction = /^\s*([0-9.]+)\s*\/\s*([0-9.]+)\s*$/.exec(text);
  const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new RangeError(`ACB gamma must be a number, a fraction such as 1/3, or 'square'; got '${text}'`);
  return value;
}
