import { BatchNorm1d, BatchNorm2d } from '../nn/layers.js';
import { gateParameterNames } from '../nn/training.js';
/** Splits the model's parameters into groups by weight decay and learning-rate multiplier. */
export function paramGroups(model, baseLr, rules) {
    const normParams = new Set();
    for (const [path, m] of model.namedModules()) {
        if (m instanceof BatchNorm2d || m instanceof BatchNorm1d)
            for (const [n] of m.namedParameters())
                normParams.add(path ? `${path}.${n}` : n);
    }
    const gates = gateParameterNames(model);
    const biasMult = rules.biasLrMultiplier ?? 1;
    const groups = new Map();
    for (const [name, p] of model.namedParameters()) {
        if (rules.frozen?.has(name))
            continue;
        const isBias = name === 'bias' || name.endsWith('.bias');
        const exempt = isBias || normParams.has(name);
        const keyword = rules.noDecayKeywords?.some((k) => name.includes(k)) ?? false;
        const decay = (exempt && !rules.decayBiasAndNorm) || (gates.has(name) && !rules.decayGates) || keyword ? 0 : rules.weightDecay;
        const mult = (isBias ? biasMult : 1) * (rules.lrMultiplierOf?.(name) ?? 1);
        const key = `${decay}/${mult}`;
        let g = groups.get(key);
        if (g === undefined) {
            g = { params: [], names: [], weightDecay: decay, lr: baseLr * mult, lrMultiplier: mult };
            groups.set(key, g);
        }
        g.params.push(p);
        g.names.push(name);
    }
    return [...groups.values()];
}
//# sourceMappingURL=param_groups.js.map