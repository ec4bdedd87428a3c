// Protocols through which modules take part in training beyond forward/backward. The trainer knows
// nothing of particular layers: it tells every module that wants it how far training has come, and
// asks modules for named regulariser terms that the run's recipe weights (or budgets) into the loss.
// (CondenseNet's learned group convs condense on progress and offer a group lasso; HCGNet's DropBlock
// follows its schedule; DGConv offers its connection count, reports its learned group counts and
// marks its gates as exempt from weight decay.)
import { tidy } from '../engine/scope.js';
export function trainingProgress(epoch, batch, epochs, batchesPerEpoch, restartCycle) {
    const progress = { epoch, batch, epochs, batchesPerEpoch, fraction: (epoch * batchesPerEpoch + batch) / (epochs * batchesPerEpoch) };
    if (restartCycle)
        progress.restartCycle = restartCycle;
    return progress;
}
/**
 * Position of an epoch in SGDR's restart cycles (Loshchilov & Hutter): epochs since the last restart and
 * the current cycle length. Shared by the LR schedule and modules that follow the same cycle (DropBlock).
 */
export function sgdrCycle(epoch, t0, tmult) {
    let tI = t0;
    let tCur = epoch;
    while (tCur >= tI) {
        tCur -= tI;
        tI *= tmult;
    }
    return { tCur, tI };
}
export function isProgressAware(m) {
    return typeof m.onTrainingProgress === 'function';
}
/** Tells every progress-aware module of the model (children first) where training stands. */
export function broadcastProgress(model, progress) {
    model.apply((m) => {
        if (isProgressAware(m))
            m.onTrainingProgress(progress);
    });
}
export function isRegularized(m) {
    return typeof m.regularizer === 'function' && Array.isArray(m.regularizerNames);
}
/** The sum of the modules' bounds of a named regulariser (0 when none states one). */
export function regularizerBound(model, name) {
    let total = 0;
    for (const m of model.modules())
        if (isRegularized(m) && m.regularizerNames.includes(name))
            total += m.regularizerBound?.(name) ?? 0;
    return total;
}
/** Names of the regularisers some module of the model offers, sorted. */
export function regularizerNames(model) {
    const names = new Set();
    for (const m of model.modules())
        if (isRegularized(m))
            m.regularizerNames.forEach((n) => names.add(n));
    return [...names].sort();
}
/** The sum of a named regulariser over the model's modules (undefined when every term is zero). */
export function regularizerTerm(model, name) {
    return tidy(() => {
        let total;
        for (const m of model.modules()) {
            if (!isRegularized(m) || !m.regularizerNames.includes(name))
                continue;
            const term = m.regularizer(name);
            if (term !== undefined)
                total = total === undefined ? term : total.add(term);
        }
        return total;
    });
}
export function isStructureReporting(m) {
    return typeof m.learnedStructure === 'function';
}
/** The learned structure of every reporting module, by path. */
export function learnedStructures(model) {
    const found = [];
    for (const [path, m] of model.namedModules())
        if (isStructureReporting(m))
            found.push({ path, ...m.learnedStructure() });
    return found;
}
/** Full names of the model's gate parameters. */
export function gateParameterNames(model) {
    const names = new Set();
    for (const [path, m] of model.namedModules()) {
        const own = m.gateParameterNames;
        if (Array.isArray(own))
            for (const n of own)
                names.add(path ? `${path}.${n}` : n);
    }
    return names;
}
//# sourceMappingURL=training.js.map