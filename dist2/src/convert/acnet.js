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
import { ACBlock } from '../blocks/acb.js';
import { noGrad } from '../engine/autograd.js';
import { isReparameterizable } from '../blocks/reparam.js';
import { BatchNorm2d, Conv2d, Identity } from '../nn/layers.js';
import { tidy } from '../engine/scope.js';
import { reparameterize } from './reparameterize.js';
import { registerModelTransform } from './transforms.js';
/** Whether any BatchNorm of the model holds values a fresh one does not (it has been trained or loaded). */
export function hasTrainedBatchNorms(model) {
    return noGrad(() => model.modules().some((m) => {
        if (!(m instanceof BatchNorm2d))
            return false;
        const fresh = [[m.running_mean, 0], [m.running_var, 1], [m.weight, 1], [m.bias, 0]];
        const tracked = m.num_batches_tracked?.item() ?? 0;
        return tracked > 0 || fresh.some(([t, v]) => t !== undefined && tidy(() => t.sub(v).abs().max().item()) !== 0);
    }));
}
function replaceable(conv, kernelSizes) {
    const [kh, kw] = conv.kernelSize;
    const uniform = (v) => v[0] === v[1];
    return kh === kw && kernelSizes.includes(kh) && uniform(conv.stride) && uniform(conv.padding) && uniform(conv.dilation);
}
/**
 * Turns the model into its ACNet training form in place and returns it. The square branch starts from
 * the original kernel (and bias). On a fresh model the BNs start fresh with the requested gamma; on a
 * trained one (see preserveFunction) the block computes what the replaced layers did, so fine-tuning
 * starts from the trained function. Existing ACBlocks are left alone, so acnetizing twice changes nothing.
 */
export function acnetize(model, options = {}) {
    const kernelSizes = options.kernelSizes ?? [3, 5];
    const preserve = options.preserveFunction === 'auto' || options.preserveFunction === undefined ? hasTrainedBatchNorms(model) : options.preserveFunction;
    const visit = (parent, prefix) => {
        const children = parent.namedChildren();
        for (const [i, [name, child]] of children.entries()) {
            const path = prefix ? `${prefix}.${name}` : name;
            // ACBlocks and other papers' training-form blocks keep their convs (a DGConv convolves with its conv's masked weight).
            if (isReparameterizable(child))
                continue;
            if (!(child instanceof Conv2d)) {
                visit(child, path);
                continue;
            }
            if (!replaceable(child, kernelSizes) || (options.filter && !options.filter(path, child)))
                continue;
            const [nextName, next] = children[i + 1] ?? [];
            const bn = next instanceof BatchNorm2d && next.numFeatures === child.outChannels ? next : undefined;
            const block = new ACBlock(child.inChannels, child.outChannels, child.kernelSize[0], {
                stride: child.stride[0], padding: child.padding[0], dilation: child.dilation[0], groups: child.groups,
                bias: child.bias !== undefined, gamma: options.gamma, bnEps: bn?.eps, bnMomentum: bn?.momentum,
                branchLength: options.branchLength === undefined ? undefined : Math.min(options.branchLength, child.kernelSize[0]),
            });
            noGrad(() => {
                block.square_conv.weight.copy_(child.weight);
                if (child.bias)
                    block.square_conv.bias.copy_(child.bias);
                if (preserve)
                    inheritFunction(block, bn);
            });
            parent.setSubmodule(name, block).dispose();
            if (bn)
                parent.setSubmodule(nextName, new Identity()).dispose();
        }
    };
    visit(model, '');
    return model;
}
/**
 * Makes a new block compute what the conv (+ BN) it replaces computed: the square BN takes the old BN's
 * state (or becomes an identity in eval mode for a bare conv), the 1-D branches output zero.
 */
function inheritFunction(block, bn) {
    const square = block.square_bn;
    if (bn) {
        for (const name of ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']) {
            const from = bn[name];
            const to = square[name];
            if (from && to)
                to.copy_(from);
        }
    }
    else {
        // (x - 0) / sqrt((1 - eps) + eps) = x: an identity in eval mode (training mode normalises by the batch).
        square.running_var.fill_(1 - square.eps);
    }
    for (const oneD of [block.ver_bn, block.hor_bn]) {
        oneD.weight.fill_(0);
        oneD.bias.fill_(0);
    }
}
/** Fuses every ACBlock of the model into one KxK conv with bias (in place); other blocks are kept. */
export function switchToDeploy(model) {
    return reparameterize(model, (block) => block instanceof ACBlock);
}
registerModelTransform({
    name: 'acb',
    description: "ACNet's training form: every 3x3/5x5 conv an Asymmetric Convolution Block (options: the branches' initial BN gamma, their length)",
    apply: (model, options, { preserveFunction }) => acnetize(model, { gamma: options.gamma, branchLength: options.branchLength, preserveFunction }),
});
//# sourceMappingURL=acnet.js.map