import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import '../src/papers/index.js';
import { attackBatch, robustness } from '../src/analysis/index.js';
import * as lc from '../src/engine/index.js';
import * as nn from '../src/nn/index.js';

/** logits = [n, -n] of the normalised single pixel n = (p - 0.5) / 0.25: class 0 iff p > 0.5. */
function pixelModel(): nn.Sequential {
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(1, 2));
  lc.noGrad(() => {
    (model.at(1) as nn.Linear).weight.copy_(lc.tensor([[1], [-1]]));
    (model.at(1) as nn.Linear).bias!.zero_();
  });
  return model;
}
const normalization = { mean: [0.5], std: [0.25] };

async function* batchesOf(pixels: number[], labels: number[]): AsyncGenerator<{ pixels: lc.Tensor; labels: lc.Tensor }> {
  yield { pixels: lc.tensor(pixels).view([pixels.length, 1, 1, 1]), labels: lc.tensor(labels, { dtype: 'int64' }) };
}

describe('robustness (FGSM, PGD)', () => {
  test('FGSM moves every pixel by ε against its label\'s gradient, in pixel space, clamped to [0, 1]', () => {
    const model = pixelModel();
    const pixels = lc.tensor([0.503, 0.2, 0.999]).view([3, 1, 1, 1]);
    const labels = lc.tensor([0, 1, 1], { dtype: 'int64' });
    const adv = attackBatch(model, pixels, labels, 0.004, normalization, { attack: 'fgsm' });
    const got = adv.flatten().toArray() as number[];
    // Label 0 wants p up, so the attack moves it down; label 1 wants p down, so it moves up (clamped at 1).
    [0.499, 0.204, 1].forEach((v, i) => assert.ok(Math.abs(got[i]! - v) < 1e-6, `pixel ${i}: ${got[i]} vs ${v}`));
    assert.equal((model.at(1) as nn.Linear).weight.grad, undefined, 'the model\'s parameters get no gradients');
  });

  test('accuracy per ε: a margin of 0.003 survives ε = 0.002 and falls at 0.004; clean-wrong images count as wrong', async () => {
    const model = pixelModel();
    // Image 0: class 0 with margin 0.003; image 1: class 1 with margin 0.1; image 2: misclassified already.
    const pixels = [0.503, 0.4, 0.6];
    const labels = [0, 1, 1];
    for (const attack of ['fgsm', 'pgd'] as const) {
      const r = await robustness(model, batchesOf(pixels, labels), normalization, { attack, epsilons: [0, 0.002, 0.004, 0.2], steps: 5, randomStart: false });
      assert.equal(r.count, 3);
      assert.deepEqual(r.accuracy.map((a) => Math.round(a.top1 * 3)), [2, 2, 1, 0], attack);
    }
  });

  test('an image the model gets wrong stays wrong even when the attack happens to flip it to the right class', async () => {
    // logit0 = relu(n) - 2·relu(n - 1.2) - 1, logit1 = 0: class 0 for n in (1, 2.2). At p = 0.775 (n = 1.1) the model
    // says 0 for a label-1 image; FGSM with ε = 0.2 raises logit0's input to n = 1.9, where the model says 1.
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(1, 2), new nn.ReLU(), new nn.Linear(2, 2));
    lc.noGrad(() => {
      (model.at(1) as nn.Linear).weight.copy_(lc.tensor([[1], [1]]));
      (model.at(1) as nn.Linear).bias!.copy_(lc.tensor([0, -1.2]));
      (model.at(3) as nn.Linear).weight.copy_(lc.tensor([[1, -2], [0, 0]]));
      (model.at(3) as nn.Linear).bias!.copy_(lc.tensor([-1, 0]));
    });
    const adv = attackBatch(model, lc.tensor([0.775]).view([1, 1, 1, 1]), lc.tensor([1], { dtype: 'int64' }), 0.2, normalization, { attack: 'fgsm' });
    const attackedClass = lc.noGrad(() => model.forward(adv.sub(0.5).div(0.25)).argmax(1).item());
    assert.equal(attackedClass, 1, 'the attack moved the image to the right class');
    const r = await robustness(model, batchesOf([0.775], [1]), normalization, { attack: 'fgsm', epsilons: [0, 0.2] });
    assert.deepEqual(r.accuracy.map((a) => a.top1), [0, 0]);
  });

  test('PGD stays within the ε-ball and is at least as strong as FGSM on a nonlinear model', async () => {
    lc.manualSeed(4);
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(4 * 36, 3));
    const pixels = lc.rand([16, 1, 6, 6]);
    const labels = lc.noGrad(() => model.forward(pixels.sub(0.5).div(0.25)).argmax(1));
    const eps = 0.05;
    const adv = attackBatch(model, pixels, labels, eps, normalization, { attack: 'pgd', steps: 7 });
    assert.ok(lc.tidy(() => adv.sub(pixels).abs().max().item()) <= eps + 1e-6);
    assert.ok(lc.tidy(() => adv.min().item()) >= 0 && lc.tidy(() => adv.max().item()) <= 1);
    const batches = async function* (): AsyncGenerator<{ pixels: lc.Tensor; labels: lc.Tensor }> { yield { pixels, labels }; };
    const fgsm = await robustness(model, batches(), normalization, { attack: 'fgsm', epsilons: [0, eps] });
    const pgd = await robustness(model, batches(), normalization, { attack: 'pgd', epsilons: [0, eps], steps: 7 });
    assert.equal(fgsm.accuracy[0]!.top1, 1, 'labels are the model\'s own predictions');
    assert.ok(pgd.accuracy[1]!.top1 <= fgsm.accuracy[1]!.top1, `pgd ${pgd.accuracy[1]!.top1} vs fgsm ${fgsm.accuracy[1]!.top1}`);
  });
});
