import { deviceProblem } from '../engine/runtime.js';
export const DEFAULT_CONFIG = {
    model: 'resnet20',
    acb: false,
    acbGamma: 1,
    dataset: 'fashion-mnist',
    epochs: 7,
    batchSize: 128,
    evalBatchSize: 500,
    lr: 0.1,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-4,
    decayBiasAndNorm: false,
    biasLrMultiplier: 1,
    backboneLrMultiplier: 1,
    schedule: { name: 'cosine' },
    warmupEpochs: 0,
    labelSmoothing: 0,
    labelSmoothingStyle: 'uniform',
    regularizers: {},
    budgets: {},
    decayGates: false,
    mixupAlpha: 0,
    augment: true,
    seed: 0,
    workers: 1,
    memoryFormat: 'auto',
    outDir: 'runs',
    evalEvery: 1,
    syncBatchNorm: false,
    device: 'cpu',
};
/** Recipes of the reference implementations, registered by each paper (src/recipes); a preset sets these, explicit options override. */
export { PRESETS } from './recipes.js';
/** The model form a config trains. */
export function configForm(config) {
    if (!config.acb)
        return {};
    return { acb: { gamma: config.acbGamma, ...(config.acbBranch === undefined ? {} : { branchLength: config.acbBranch }) } };
}
export class ConfigError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ConfigError';
    }
}
/** Settings a resumed run may change: how it runs and how long, never what it computes per epoch. */
export const RESUME_OVERRIDES = ['epochs', 'workers', 'threads', 'evalBatchSize', 'memoryFormat', 'device', 'checkpointEvery', 'onBadImage'];
/**
 * Checks every value of a config before anything is created (run directory, model, data), so a bad
 * option fails at once with its name and never leaves a half-made run behind.
 */
export function validateConfig(c) {
    const problems = [];
    const check = (ok, what) => void (ok || problems.push(what));
    const int = (v, min) => v === undefined || (Number.isInteger(v) && v >= min);
    const inRange = (v, lo, hi, hiOpen = true) => Number.isFinite(v) && v >= lo && (hiOpen ? v < hi : v <= hi);
    check(int(c.epochs, 1), `epochs must be a positive integer, got ${c.epochs}`);
    check(int(c.batchSize, 1), `batchSize must be a positive integer, got ${c.batchSize}`);
    check(int(c.evalBatchSize, 1), `evalBatchSize must be a positive integer, got ${c.evalBatchSize}`);
    check(Number.isFinite(c.lr) && c.lr > 0, `lr must be a positive number, got ${c.lr}`);
    check(inRange(c.momentum, 0, 1), `momentum must be in [0, 1), got ${c.momentum}`);
    check(Number.isFinite(c.weightDecay) && c.weightDecay >= 0, `weightDecay must be >= 0, got ${c.weightDecay}`);
    check(Number.isFinite(c.biasLrMultiplier) && c.biasLrMultiplier >= 0, `biasLrMultiplier must be >= 0, got ${c.biasLrMultiplier}`);
    check(Number.isFinite(c.backboneLrMultiplier ?? 1) && (c.backboneLrMultiplier ?? 1) >= 0, `backboneLrMultiplier must be >= 0, got ${c.backboneLrMultiplier}`);
    check(c.init === undefined || (typeof c.init === 'string' && c.init !== ''), `init must be a file path, got ${String(c.init)}`);
    check(c.classSubset === undefined || (Array.isArray(c.classSubset) && c.classSubset.length > 0), `classSubset must be a non-empty list of classes, got ${JSON.stringify(c.classSubset)}`);
    check((c.freeze ?? []).every((f) => (typeof f === 'number' && Number.isInteger(f) && f >= 1) || (typeof f === 'string' && f !== '')), `freeze must list stage numbers (from 1) and module paths, got ${JSON.stringify(c.freeze)}`);
    check(inRange(c.labelSmoothing, 0, 1), `labelSmoothing must be in [0, 1), got ${c.labelSmoothing}`);
    check(c.labelSmoothingStyle === undefined || ['uniform', 'offTarget'].includes(c.labelSmoothingStyle), `labelSmoothingStyle must be 'uniform' or 'offTarget', got ${String(c.labelSmoothingStyle)}`);
    for (const [name, weight] of Object.entries(c.regularizers ?? {}))
        check(Number.isFinite(weight) && weight >= 0, `regularizer weight ${name} must be >= 0, got ${weight}`);
    for (const [name, divisor] of Object.entries(c.budgets ?? {}))
        check(Number.isFinite(divisor) && divisor >= 1, `budget divisor ${name} must be >= 1, got ${divisor}`);
    check(Number.isFinite(c.mixupAlpha) && c.mixupAlpha >= 0, `mixupAlpha must be >= 0, got ${c.mixupAlpha}`);
    check(inRange(c.warmupEpochs, 0, c.epochs, false), `warmupEpochs must be in [0, epochs=${c.epochs}], got ${c.warmupEpochs}`);
    check(['auto', 'contiguous', 'channelsLast'].includes(c.memoryFormat), `memoryFormat must be 'auto', 'contiguous' or 'channelsLast', got ${String(c.memoryFormat)}`);
    check(int(c.seed, 0), `seed must be an integer >= 0, got ${c.seed}`);
    check(int(c.workers, 0), `workers must be an integer >= 0, got ${c.workers}`);
    check(int(c.threads, 1), `threads must be a positive integer, got ${c.threads}`);
    check(int(c.trainSubset, 1), `trainSubset must be a positive integer, got ${c.trainSubset}`);
    check(int(c.evalEvery, 1), `evalEvery must be a positive integer, got ${c.evalEvery}`);
    check(c.onBadImage === undefined || c.onBadImage === 'fail' || c.onBadImage === 'skip', `onBadImage must be 'fail' or 'skip', got ${String(c.onBadImage)}`);
    const every = c.checkpointEvery;
    check(every === undefined || (every.batches !== undefined ? Number.isInteger(every.batches) && every.batches >= 1 : Number.isFinite(every.minutes) && every.minutes > 0), `checkpointEvery must be { batches: positive integer } or { minutes: positive number }, got ${JSON.stringify(every)}`);
    const device = deviceProblem(c.device ?? 'cpu');
    check(device === undefined, `device: ${device}`);
    check(int(c.numClasses, 1) && int(c.inChannels, 1) && int(c.inputSize, 1), 'numClasses, inChannels and inputSize must be positive integers');
    check(c.acbBranch === undefined || (Number.isInteger(c.acbBranch) && c.acbBranch >= 1 && c.acbBranch % 2 === 1), `acbBranch must be an odd positive integer, got ${c.acbBranch}`);
    check(c.acbGamma === 'square' || Number.isFinite(c.acbGamma), `acbGamma must be a number or 'square', got ${String(c.acbGamma)}`);
    const s = c.schedule;
    if (s.name === 'multistep') {
        check(s.milestones.length > 0 && s.milestones.every((m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > s.milestones[i - 1])), `multistep milestones must be increasing positive epochs, got ${s.milestones.join(',')}`);
        check(Number.isFinite(s.gamma) && s.gamma > 0, `multistep gamma must be positive, got ${s.gamma}`);
    }
    if (s.name === 'sgdr')
        check(s.t0 >= 1 && s.tmult >= 1, `sgdr t0 and tmult must be >= 1, got ${s.t0}, ${s.tmult}`);
    if ((s.name === 'cosine' || s.name === 'sgdr') && s.minLr !== undefined)
        check(s.minLr >= 0 && s.minLr <= c.lr, `minLr must be in [0, lr], got ${s.minLr}`);
    if (problems.length)
        throw new ConfigError(`invalid training config: ${problems.join('; ')}`);
}
//# sourceMappingURL=config.js.map