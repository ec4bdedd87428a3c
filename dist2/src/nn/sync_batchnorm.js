// Synchronized batch normalisation: in training, the batch statistics are those of the global batch (all
// ranks of the process group), so N processes with batch B/N normalise exactly as one process with
// batch B. Outside training, or without a process group, it is plain BatchNorm. State-dict names and
// shapes are BatchNorm's, so checkpoints move freely between the two.
import * as F from '../engine/functional.js';
import { allReduceSum, processGroup } from '../engine/distributed.js';
import { noGrad } from '../engine/autograd.js';
import { cat, full } from '../engine/tensor.js';
import { BatchNorm1d, BatchNorm2d } from './layers.js';
/**
 * The global mean and biased variance over every dim but 1, from two differentiable all-reduces
 * (sum and count, then the centred sum of squares: no E[x²] − E[x]² cancellation). Backward flows
 * through both reductions, so each rank's input gradient is the one the global batch would give.
 */
function globalMoments(x, shape) {
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const channels = x.size(1);
    const packed = allReduceSum(cat([x.sum(dims), full([1], x.numel / channels, { dtype: x.dtype })]));
    const count = packed.narrow(0, channels, 1).item();
    const mean = packed.narrow(0, 0, channels).div(count);
    const centred = x.sub(mean.view(shape));
    const variance = allReduceSum(centred.mul(centred).sum(dims)).div(count);
    return { centred, mean, variance, count };
}
function syncNormalize(bn, x, relu) {
    // Per-channel vectors broadcast as [1, C, 1, ...].
    const shape = [1, x.size(1), ...Array.from({ length: x.ndim - 2 }, () => 1)];
    const { centred, mean, variance, count } = globalMoments(x, shape);
    let y = centred.mul(variance.add(bn.eps).rsqrt().view(shape));
    if (bn.weight)
        y = y.mul(bn.weight.view(shape));
    if (bn.bias)
        y = y.add(bn.bias.view(shape));
    noGrad(() => {
        // Running statistics as BatchNorm keeps them: the variance unbiased over the global count.
        bn.running_mean.mul_(1 - bn.momentum).add_(mean.detach(), bn.momentum);
        bn.running_var.mul_(1 - bn.momentum).add_(variance.detach().mul(count / Math.max(count - 1, 1)), bn.momentum);
    });
    return relu ? F.relu(y) : y;
}
const synchronizing = (bn) => bn.training && (processGroup()?.worldSize ?? 1) > 1;
export class SyncBatchNorm2d extends BatchNorm2d {
    normalize(x, relu) {
        if (!synchronizing(this))
            return super.normalize(x, relu);
        this.checkInput(x);
        this.num_batches_tracked.add_(1);
        return syncNormalize(this, x, relu);
    }
}
export class SyncBatchNorm1d extends BatchNorm1d {
    normalize(x, relu) {
        if (!synchronizing(this))
            return super.normalize(x, relu);
        this.checkInput(x);
        this.num_batches_tracked.add_(1);
        return syncNormalize(this, x, relu);
    }
}
/**
 * Replaces every BatchNorm1d/2d of the model by its synchronized form, keeping its values and names
 * (torch's convert_sync_batchnorm). Returns how many were replaced. Do it before creating the optimizer.
 */
export function convertSyncBatchNorm(model) {
    const targets = [...model.namedModules()].filter(([, m]) => (m instanceof BatchNorm2d || m instanceof BatchNorm1d) && !(m instanceof SyncBatchNorm2d || m instanceof SyncBatchNorm1d));
    for (const [path, m] of targets) {
        const bn = m;
        const Sync = bn instanceof BatchNorm2d ? SyncBatchNorm2d : SyncBatchNorm1d;
        const replacement = new Sync(bn.numFeatures, { eps: bn.eps, momentum: bn.momentum, affine: bn.weight !== undefined });
        replacement.loadStateDict(bn.stateDict());
        if (path === '')
            throw new TypeError('convertSyncBatchNorm: give it a model that contains BatchNorm layers, not a BatchNorm layer');
        model.setSubmodule(path, replacement).dispose();
    }
    return targets.length;
}
//# sourceMappingURL=sync_batchnorm.js.map