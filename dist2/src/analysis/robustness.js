// Adversarial robustness: top-1 accuracy under FGSM and PGD (L∞) attacks in [0, 1] pixel space, with the
// model's input normalisation applied after the perturbation (Foolbox's convention, which HCGNet's
// FGSM table uses). An image the model already gets wrong counts as wrong at every ε.
import { enableGrad, noGrad } from '../engine/autograd.js';
import * as F from '../engine/functional.js';
import { keep, tidy } from '../engine/scope.js';
import { randLike, tensor } from '../engine/tensor.js';
/** Runs fn with the model's parameters out of autograd (attacks need input gradients only). */
function withFrozenParameters(model, fn) {
    const params = model.parameters().filter((p) => p.requiresGrad);
    params.forEach((p) => p.requiresGrad_(false));
    try {
        return fn();
    }
    finally {
        params.forEach((p) => p.requiresGrad_(true));
    }
}
/** Loss gradient with respect to the pixels (the model in eval mode, normalisation inside). */
function pixelGradient(model, pixels, labels, normalize) {
    return enableGrad(() => tidy(() => {
        const x = pixels.detach().requiresGrad_(true);
        const loss = F.crossEntropy(model.forward(model.formatInput(normalize(x))), labels, { reduction: 'sum' });
        loss.backward();
        return x.grad.detach();
    }));
}
/** (x - mean) / std, its mean and std tensors made once for all the ε and steps of a batch. */
class Normalizer {
    mean;
    std;
    constructor({ mean, std }) {
        this.mean = keep(tensor([...mean]).view([1, mean.length, 1, 1]));
        this.std = keep(tensor([...std]).view([1, std.length, 1, 1]));
    }
    normalize = (x) => x.sub(this.mean).div(this.std);
    dispose() {
        this.mean.dispose();
        this.std.dispose();
    }
}
/** Runs fn with the model in eval mode, its parameters out of autograd, and a normaliser (all restored). */
function underAttack(model, normalization, fn) {
    const normalizer = new Normalizer(normalization);
    const wasTraining = model.training;
    model.eval();
    try {
        return withFrozenParameters(model, () => fn(normalizer.normalize));
    }
    finally {
        model.train(wasTraining);
        normalizer.dispose();
    }
}
/** The adversarial pixels for one ε (FGSM: one signed step; PGD: projected signed steps), computed in eval mode. */
export function attackBatch(model, pixels, labels, epsilon, normalization, options) {
    return underAttack(model, normalization, (normalize) => attackWith(model, pixels, labels, epsilon, normalize, options));
}
function attackWith(model, pixels, labels, epsilon, normalize, options) {
    if (epsilon === 0)
        return pixels.clone();
    if (options.attack === 'fgsm') {
        return tidy(() => pixels.add(pixelGradient(model, pixels, labels, normalize).sign().mul(epsilon)).clamp(0, 1));
    }
    const steps = options.steps ?? 10;
    const alpha = (options.relativeStepSize ?? 2.5 / steps) * epsilon;
    let x = tidy(() => ((options.randomStart ?? true) ? pixels.add(randLike(pixels).mul(2 * epsilon).sub(epsilon)) : pixels.clone()).clamp(0, 1));
    for (let i = 0; i < steps; i++) {
        const next = tidy(() => {
            const moved = x.add(pixelGradient(model, x, labels, normalize).sign().mul(alpha));
            // Project onto the ε-ball around the clean pixels and the valid pixel range.
            return moved.minimum(pixels.add(epsilon)).maximum(pixels.sub(epsilon)).clamp(0, 1);
        });
        x.dispose();
        x = next;
    }
    return x;
}
/**
 * Accuracy under attack over batches of clean pixels in [0, 1] (before normalisation). The model is
 * put in eval mode (and restored).
 */
export async function robustness(model, batches, normalization, options) {
    const correct = options.epsilons.map(() => 0);
    let count = 0;
    for await (const { pixels, labels } of batches) {
        underAttack(model, normalization, (normalize) => {
            const predicts = (x) => noGrad(() => model.forward(model.formatInput(normalize(x))).argmax(1).eq(labels));
            tidy(() => {
                const clean = predicts(pixels);
                options.epsilons.forEach((epsilon, i) => {
                    correct[i] += tidy(() => predicts(attackWith(model, pixels, labels, epsilon, normalize, options)).logicalAnd(clean).sum().item());
                });
            });
        });
        count += labels.size(0);
    }
    return { attack: options.attack, count, accuracy: options.epsilons.map((epsilon, i) => ({ epsilon, top1: correct[i] / count })) };
}
//# sourceMappingURL=robustness.js.map