// Throughput of a model: training steps (forward, backward, SGD update) and inference batches per
// second on random data, after warm-up. Reports medians over timed repetitions.
import { noGrad } from '../engine/autograd.js';
import * as F from '../engine/functional.js';
import { SGD } from '../engine/optim.js';
import { tidy } from '../engine/scope.js';
import { randint, randn } from '../engine/tensor.js';
const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function timeSteps(step, warmup, steps) {
    for (let i = 0; i < warmup; i++)
        step();
    const times = [];
    for (let i = 0; i < steps; i++) {
        const t = performance.now();
        step();
        times.push(performance.now() - t);
    }
    return median(times);
}
export function measureThroughput(model, options) {
    const { batchSize, input, numClasses } = options;
    const warmup = options.warmup ?? 3;
    const steps = options.steps ?? 10;
    const x = randn([batchSize, ...input]);
    const laid = model.formatInput(x);
    const y = randint(0, numClasses, [batchSize]);
    const result = { batchSize };
    const wasTraining = model.training;
    try {
        if (options.mode !== 'infer') {
            model.train();
            const opt = new SGD(model.parameters(), { lr: 1e-4, momentum: 0.9 });
            const ms = timeSteps(() => tidy(() => {
                const loss = F.crossEntropy(model.forward(laid), y);
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }), warmup, steps);
            opt.dispose();
            result.train = { imagesPerSecond: (1000 * batchSize) / ms, msPerStep: ms };
        }
        if (options.mode !== 'train') {
            model.eval();
            const ms = timeSteps(() => tidy(() => noGrad(() => model.forward(laid).dispose())), warmup, steps);
            result.infer = { imagesPerSecond: (1000 * batchSize) / ms, msPerBatch: ms };
        }
    }
    finally {
        if (laid !== x)
            laid.dispose();
        x.dispose();
        y.dispose();
        model.train(wasTraining);
    }
    return result;
}
//# sourceMappingURL=benchmark.js.map