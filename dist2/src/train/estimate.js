// How long a recipe takes on this machine: a few optimisation steps of the model at the recipe's batch size on random
// inputs of the dataset's shape, timed, times the steps the recipe runs. Printed before a long run starts
// (`leanconv experiment --full`), so nobody starts a week-long run by accident.
import { SGD } from '../engine/optim.js';
import { defaultNumThreads, manualSeed, setNumThreads } from '../engine/runtime.js';
import { tidy } from '../engine/scope.js';
import { randint, randn } from '../engine/tensor.js';
import * as F from '../engine/functional.js';
import { buildModel } from '../convert/form.js';
import { getDatasetSpec, selectClasses } from '../data/datasets.js';
import { configForm } from './config.js';
import { runModelOptions } from './trainer.js';
/** Times `timedSteps` SGD steps (after one warm-up step) of the config's model and form and scales them to the recipe. */
export function estimateWallTime(config, runs, timedSteps = 3) {
    const spec = getDatasetSpec(config.dataset);
    const dir = config.dataDir ?? spec.defaultDir;
    if (dir === undefined)
        throw new Error(`dataset '${config.dataset}' needs a directory (--data-dir)`);
    const loaded = spec.load(dir, 'train');
    const data = config.classSubset === undefined ? loaded : selectClasses(loaded, config.classSubset);
    const trainImages = config.trainSubset === undefined ? data.length : Math.min(config.trainSubset, data.length);
    const options = runModelOptions(config, data);
    const classes = data.classes.length;
    const input = [options.inChannels, options.inputSize, options.inputSize];
    setNumThreads(config.threads ?? defaultNumThreads());
    manualSeed(config.seed);
    const model = buildModel(config.model, options, configForm(config));
    model.toMemoryFormat(config.memoryFormat).train();
    const optimizer = new SGD([{ params: model.parameters() }], { lr: 1e-3, momentum: config.momentum });
    const times = [];
    try {
        for (let step = 0; step <= timedSteps; step++) {
            const start = performance.now();
            tidy(() => {
                const x = model.formatInput(randn([config.batchSize, ...input]));
                const loss = F.crossEntropy(model.forward(x), randint(0, classes, [config.batchSize]));
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
            });
            if (step > 0)
                times.push((performance.now() - start) / 1000);
        }
    }
    finally {
        optimizer.dispose();
        model.dispose();
    }
    const secondsPerStep = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    const stepsPerEpoch = Math.floor(trainImages / config.batchSize);
    return { secondsPerStep, stepsPerEpoch, epochs: config.epochs, runs, seconds: runs * config.epochs * stepsPerEpoch * secondsPerStep, trainImages, input };
}
//# sourceMappingURL=estimate.js.map