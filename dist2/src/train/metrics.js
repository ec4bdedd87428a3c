// Classification metrics and evaluation over a loader.
import { noGrad } from '../engine/autograd.js';
import * as F from '../engine/functional.js';
import { tidy } from '../engine/scope.js';
import { withoutEvalFusion } from '../nn/fusion.js';
/** Number of samples whose label is among the top-k logits, for each k. */
export function topkCorrect(logits, labels, ks) {
    return tidy(() => {
        const maxK = Math.min(Math.max(...ks), logits.size(1));
        const { indices } = logits.topk(maxK, { dim: 1 });
        const hits = indices.eq(labels.unsqueeze(1));
        return ks.map((k) => hits.narrow(1, 0, Math.min(k, maxK)).sum().item());
    });
}
/** The batch on `device` (the loader delivers CPU tensors; moved ones replace them). */
export function batchOn(device, batch) {
    if (device === 'cpu')
        return batch;
    const moved = { ...batch, images: batch.images.to({ device }), labels: batch.labels.to({ device }) };
    batch.images.dispose();
    batch.labels.dispose();
    return moved;
}
/**
 * Runs `fn` on every batch of one pass of the loader, without gradients, inside a tensor scope; the
 * batch is released even when `fn` throws.
 */
async function forEachBatch(loader, fn, device = 'cpu') {
    for await (const batch of loader.epoch(0)) {
        const { images, labels } = batchOn(device, batch);
        try {
            tidy(() => noGrad(() => fn(images, labels)));
        }
        finally {
            images.dispose();
            labels.dispose();
        }
    }
}
/** Mean cross-entropy, top-1 and top-5 accuracy (fractions) over one pass of the loader, in eval mode. */
export async function evaluate(model, loader, onBatch) {
    const wasTraining = model.training;
    model.eval();
    let loss = 0;
    let c1 = 0;
    let c5 = 0;
    let count = 0;
    const start = performance.now();
    try {
        await forEachBatch(loader, (images, labels) => {
            const logits = model.forward(model.formatInput(images));
            loss += F.crossEntropy(logits, labels, { reduction: 'sum' }).item();
            const [a, b] = topkCorrect(logits, labels, [1, 5]);
            c1 += a;
            c5 += b;
            count += labels.size(0);
            onBatch?.(count, loader.dataset.length);
        }, model.device);
    }
    finally {
        model.train(wasTraining);
    }
    const seconds = (performance.now() - start) / 1000;
    return { loss: loss / count, top1: c1 / count, top5: c5 / count, count, imagesPerSecond: count / seconds };
}
/**
 * Runs two models (eval mode) over one pass of the loader and compares their logits and predictions. `a` is the
 * reference and runs as written (nn.withoutEvalFusion): a training form with fusion on would run its own
 * cached deploy form, and a comparison with the converted model would compare the conversion with itself.
 */
export async function compareModels(a, b, loader) {
    const modes = [a.training, b.training];
    a.eval();
    b.eval();
    const r = { count: 0, samePrediction: 0, maxAbsDiff: 0, top1: [0, 0] };
    let hitsA = 0;
    let hitsB = 0;
    try {
        await forEachBatch(loader, (images, labels) => {
            const la = withoutEvalFusion(() => a.forward(a.formatInput(images)));
            const lb = b.forward(b.formatInput(images));
            r.maxAbsDiff = Math.max(r.maxAbsDiff, la.sub(lb).abs().max().item());
            const pa = la.argmax(1);
            const pb = lb.argmax(1);
            r.samePrediction += pa.eq(pb).sum().item();
            hitsA += pa.eq(labels).sum().item();
            hitsB += pb.eq(labels).sum().item();
            r.count += labels.size(0);
        });
    }
    finally {
        a.train(modes[0]);
        b.train(modes[1]);
    }
    r.top1 = [hitsA / r.count, hitsB / r.count];
    return r;
}
/** Each sample's top-1 class, in the loader's order (an unshuffled loader: dataset order). */
export async function predictClasses(model, loader) {
    const wasTraining = model.training;
    model.eval();
    const out = new Int32Array(loader.dataset.length);
    let at = 0;
    try {
        await forEachBatch(loader, (images) => {
            const top = model.forward(model.formatInput(images)).argmax(1).toArray();
            for (const c of top)
                out[at++] = Number(c);
        }, model.device);
    }
    finally {
        model.train(wasTraining);
    }
    return out;
}
/** counts[true][predicted] over all samples. */
export function confusionMatrix(labels, predicted, numClasses) {
    const m = Array.from({ length: numClasses }, () => new Array(numClasses).fill(0));
    for (let i = 0; i < labels.length; i++)
        m[labels[i]][predicted[i]] += 1;
    return m;
}
//# sourceMappingURL=metrics.js.map