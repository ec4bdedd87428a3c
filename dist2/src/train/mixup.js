// Mixup (Zhang et al.) as a batch transform of the training step: the step trains on λ·x + (1 − λ)·x[partner] and
// its loss mixes the cross-entropies of the two label sets with the same λ. Accuracy stays against the unmixed labels.
import { Rng, permutation } from '../data/rng.js';
import { fromTypedArray } from '../engine/tensor.js';
/**
 * Mixup of one batch: lambda ~ Beta(alpha, alpha) and a partner permutation, both from `seed`; the batch becomes
 * lambda·x + (1 − lambda)·x[partner]. The caller owns the returned tensors.
 */
export function mixupBatch(images, alpha, seed) {
    const rng = new Rng(seed);
    const lambda = rng.beta(alpha);
    const perm = permutation(images.size(0), rng.int(2 ** 31));
    const partner = fromTypedArray(BigInt64Array.from(perm, (v) => BigInt(v)), [perm.length], { device: images.device });
    const shuffled = images.indexSelect(0, partner);
    const mixed = images.mul(lambda).add_(shuffled, 1 - lambda);
    shuffled.dispose();
    return { mixed, lambda, partner };
}
/** The training callback that mixes every batch with Beta(alpha, alpha) weights, seeded per batch. */
export const mixup = (alpha) => ({
    transformBatch: ({ images, labels }, { batchSeed }) => {
        const { mixed, lambda, partner } = mixupBatch(images, alpha, batchSeed ?? 0);
        return { images: mixed, loss: (logits, ce) => ce(logits, labels).mul(lambda).add_(ce(logits, labels.indexSelect(0, partner)), 1 - lambda) };
    },
});
//# sourceMappingURL=mixup.js.map