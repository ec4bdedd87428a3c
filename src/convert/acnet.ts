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
import { ACBlock, type AcbGamma } from '../blocks/acb.js';
import { noGrad } from '../engine/autograd.js';
import { BatchNorm2d, Conv2d, Identity } from '../nn/layers.js';
import type { Module } from '../nn/module.js';
import { reparameterize } from './reparameterize.js';

export interface AcnetizeOptions {
  /** Initial BN gamma of every branch (default 1, the paper's; the repo's CIFAR recipe uses 1/3). */
  gamma?: AcbGamma;
  /** Kernel sizes to replace (default [3, 5], the reference builder's rule). */
  kernelSizes?: readonly number[];
  /** Extra filter: return false to keep a conv (path is its dotted name). */
  filter?: (path: string, conv: Conv2d) => boolean;
}

function replaceable(conv: Conv2d, kernelSizes: readonly number[]): boolean {
  const [kh, kw] = conv.kernelSize;
  const uniform = (v: [number, number]): boolean => v[0] === v[1];
  return kh === kw && kernelSizes.includes(kh) && uniform(conv.stride) && uniform(conv.padding) && uniform(conv.dilation);
}

/**
 * Turns the model into its ACNet training form in place and returns it (with the paths of the new
 * blocks). The square branch starts from the original kernel (and bias); the 1-D branches and the BNs
 * start fresh. Existing ACBlocks are left alone, so acnetizing twice changes nothing.
 */
export function acnetize(model: Module, options: AcnetizeOptions = {}): Module {
  const kernelSizes = options.kernelSizes ?? [3, 5];
  const visit = (parent: Module, prefix: string): void => {
    const children = parent.namedChildren();
    for (const [i, [name, child]] of children.entries()) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (child instanceof ACBlock) continue;
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
      });
      noGrad(() => {
        block.square_conv.weight.copy_(child.weight);
        if (child.bias) block.square_conv.bias!.copy_(child.bias);
      });
      parent.setSubmodule(name, block).dispose();
      if (bn) parent.setSubmodule(nextName!, new Identity()).dispose();
    }
  };
  visit(model, '');
  return model;
}

/** Fuses every ACBlock of the model into one KxK conv with bias (in place); other blocks are kept. */
export function switchToDeploy(model: Module): Module {
  return reparameterize(model, (block) => block instanceof ACBlock);
}
