// The engine on real data: a small BN conv net trained on Fashion-MNIST with SGD + nesterov momentum,
// written with the functional API only (modules and the `leanconv` command arrive with the training
// pipeline). Run: npm run example:functional -- [--epochs N] [--batch N] [--seed N]
import { parseArgs } from 'node:util';
import * as lc from '../src/engine/index.js';
import { FASHION_MNIST_DIR, readMnistSplit } from '../src/data/idx.js';
const { F } = lc;
const { values: args } = parseArgs({
    options: {
        epochs: { type: 'string', default: '3' },
        batch: { type: 'string', default: '128' },
        lr: { type: 'string', default: '0.05' },
        seed: { type: 'string', default: '0' },
        data: { type: 'string', default: FASHION_MNIST_DIR },
    },
});
const epochs = Number(args.epochs);
const batchSize = Number(args.batch);
lc.manualSeed(Number(args.seed));
const info = lc.buildInfo();
console.log(`leanconv engine: libtorch ${info.torchVersion}, ${info.blas}, oneDNN ${info.mkldnn ? 'on' : 'off'}, ${info.threads} threads`);
// Pixels -> float tensors normalised with Fashion-MNIST's mean/std.
function load(split) {
    const { images, labels } = readMnistSplit(args.data, split);
    const [n, h, w] = images.shape;
    const x = lc.keep(lc.tidy(() => lc.fromTypedArray(images.data, [n, 1, h, w]).to('float32').div(255).sub(0.2860).div(0.3530)));
    const y = lc.keep(lc.fromTypedArray(labels, [n]).to('int64'));
    return { x, y, n };
}
const train = load('train');
const test = load('t10k');
console.log(`Fashion-MNIST: ${train.n} training and ${test.n} test images`);
// conv(1->32) BN ReLU pool, conv(32->64) BN ReLU pool, conv(64->128) BN ReLU, global pool, linear(128->10)
function kaiming(shape, fanIn) {
    return lc.keep(lc.randn(shape).mul_(Math.sqrt(2 / fanIn)).requiresGrad_());
}
const widths = [1, 32, 64, 128];
const layers = widths.slice(1).map((out, i) => ({
    w: kaiming([out, widths[i], 3, 3], widths[i] * 9),
    gamma: lc.keep(lc.ones([out]).requiresGrad_()),
    beta: lc.keep(lc.zeros([out]).requiresGrad_()),
    mean: lc.keep(lc.zeros([out])),
    var: lc.keep(lc.ones([out])),
}));
const fcW = lc.keep(lc.randn([10, 128]).mul_(Math.sqrt(1 / 128)).requiresGrad_());
const fcB = lc.keep(lc.zeros([10]).requiresGrad_());
function forward(x, training) {
    let h = x;
    layers.forEach((l, i) => {
        h = F.conv2d(h, l.w, { padding: 1 });
        h = F.relu(F.batchNorm(h, l.mean, l.var, { weight: l.gamma, bias: l.beta, training }));
        if (i < 2)
            h = F.maxPool2d(h, { kernelSize: 2 });
    });
    return F.linear(F.adaptiveAvgPool2d(h, 1).flatten(1), fcW, fcB);
}
const weights = [...layers.map((l) => l.w), fcW];
const noDecay = [...layers.flatMap((l) => [l.gamma, l.beta]), fcB];
const opt = new lc.SGD([{ params: weights, weightDecay: 5e-4 }, { params: noDecay, weightDecay: 0 }], { lr: Number(args.lr), momentum: 0.9, nesterov: true });
const stepsPerEpoch = Math.floor(train.n / batchSize);
const totalSteps = epochs * stepsPerEpoch;
function evaluate() {
    let correct = 0;
    lc.noGrad(() => {
        for (let start = 0; start < test.n; start += 1000) {
            correct += lc.tidy(() => {
                const count = Math.min(1000, test.n - start);
                const logits = forward(test.x.narrow(0, start, count), false);
                return logits.argmax(1).eq(test.y.narrow(0, start, count)).sum().item();
            });
        }
    });
    return correct / test.n;
}
const began = Date.now();
let step = 0;
for (let epoch = 0; epoch < epochs; epoch++) {
    const order = lc.randperm(train.n);
    let lossSum = 0;
    const epochStart = Date.now();
    for (let b = 0; b < stepsPerEpoch; b++, step++) {
        // cosine learning rate per iteration
        for (const g of opt.paramGroups)
            g.lr = 0.5 * Number(args.lr) * (1 + Math.cos((Math.PI * step) / totalSteps));
        lossSum += lc.tidy(() => {
            const idx = order.narrow(0, b * batchSize, batchSize);
            const loss = F.crossEntropy(forward(train.x.indexSelect(0, idx), true), train.y.indexSelect(0, idx));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            return loss.item();
        });
    }
    order.dispose();
    const seconds = (Date.now() - epochStart) / 1000;
    const accuracy = evaluate();
    console.log(`epoch ${epoch + 1}/${epochs}: train loss ${(lossSum / stepsPerEpoch).toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(2)}%, ` +
        `${(stepsPerEpoch * batchSize / seconds).toFixed(0)} images/s`);
}
console.log(`done in ${((Date.now() - began) / 1000).toFixed(0)} s; final test accuracy ${(evaluate() * 100).toFixed(2)}%`);
//# sourceMappingURL=fashion-mnist-demo.js.map