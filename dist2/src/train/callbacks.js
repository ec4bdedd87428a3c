// Trainer callbacks: the one mechanism through which anything beyond the plain step takes part in
// training. The trainer calls them at fixed points of its loop; it knows nothing of what they do.
// Built in: module progress (every ProgressAware module learns where training stands: CondenseNet's
// condensation, DropBlock schedules), weighted regularisers offered by modules (group lasso), budget
// constraints on a regulariser (DGConv's connection count), the per-epoch report of learned
// structures (DGConv's group counts), mixup (mixup.ts) and data-parallel training (data_parallel.ts).
import { tidy } from '../engine/scope.js';
import { broadcastProgress, learnedStructures, regularizerBound, regularizerNames, regularizerTerm } from '../nn/training.js';
import { ConfigError } from './config.js';
import { mixup } from './mixup.js';
/** Tells every ProgressAware module of the model where training stands, before each batch. */
export const moduleProgress = () => ({
    onBatchStart: (context) => broadcastProgress(context.model, context),
});
/** Adds weight·(the model's named regulariser) to every batch loss. */
export function regularization(name, weight) {
    return {
        adjustLoss: (loss, { model }) => {
            const term = regularizerTerm(model, name);
            return term === undefined ? loss : loss.add(term.mul(weight));
        },
    };
}
/**
 * A soft budget on a regulariser (MnasNet-style, the DGConv maintainer's recipe in
 * d-li14/dgconv.pytorch#1): while the term R exceeds the budget, loss · (R / budget)^exponent; at or
 * under the budget the loss is left alone. budget = (the model's bound on R) / divisor: for DGConv's
 * connection count the bound is Σ C², so divisor 32 asks for the cost of 32 groups per layer.
 */
export function budgetConstraint(model, name, divisor, exponent = 0.02) {
    const bound = regularizerBound(model, name);
    if (!(bound > 0))
        throw new ConfigError(`the '${name}' regulariser states no bound, so a budget cannot be a fraction of it`);
    if (!(Number.isFinite(divisor) && divisor >= 1))
        throw new ConfigError(`the ${name} budget divisor must be >= 1, got ${divisor}`);
    const budget = bound / divisor;
    return {
        adjustLoss: (loss, { model: m }) => {
            const term = regularizerTerm(m, name);
            if (term === undefined || term.item() <= budget)
                return loss;
            return loss.mul(term.div(budget).pow(exponent));
        },
        onEpochEnd: ({ model: m }) => {
            const value = tidy(() => regularizerTerm(m, name)?.item() ?? 0);
            const state = value > budget ? 'over' : 'within';
            return { line: `${name}: ${Math.round(value)} (budget ${Math.round(budget)} = ${bound}/${divisor}, ${state})`, values: { [name]: value, [`${name}Budget`]: budget } };
        },
    };
}
/** Logs every StructureReporting module's learned structure after each epoch (e.g. DGConv's groups per layer). */
export const structureReport = () => ({
    onEpochEnd: ({ model }) => {
        const found = learnedStructures(model);
        if (found.length === 0)
            return undefined;
        const labels = [...new Set(found.map((f) => f.label))];
        const line = labels.map((label) => `${label} per layer: ${found.filter((f) => f.label === label).map((f) => f.value).join(' ')}`).join('; ');
        return { line, values: { structure: Object.fromEntries(found.map((f) => [f.path, f.value])) } };
    },
});
/**
 * The callbacks a run's recipe implies: module progress always, each configured regulariser and
 * budget, and the structure report when some module learns its structure.
 */
export function recipeCallbacks(model, terms = {}) {
    const offered = regularizerNames(model);
    const check = (name) => {
        if (!offered.includes(name)) {
            throw new ConfigError(`the model has no '${name}' regulariser (${offered.length ? `it offers: ${offered.join(', ')}` : 'it offers none'})`);
        }
    };
    const callbacks = [moduleProgress()];
    for (const [name, weight] of Object.entries(terms.regularizers ?? {})) {
        check(name);
        if (weight > 0)
            callbacks.push(regularization(name, weight));
    }
    for (const [name, divisor] of Object.entries(terms.budgets ?? {})) {
        check(name);
        callbacks.push(budgetConstraint(model, name, divisor));
    }
    if (learnedStructures(model).length > 0)
        callbacks.push(structureReport());
    if ((terms.mixupAlpha ?? 0) > 0)
        callbacks.push(mixup(terms.mixupAlpha));
    return callbacks;
}
//# sourceMappingURL=callbacks.js.map