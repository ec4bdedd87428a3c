import { unknownNameMessage } from '../util/suggest.js';
const registry = new Map();
export function registerExperiment(spec) {
    if (registry.has(spec.name))
        throw new Error(`registerExperiment: '${spec.name}' is already registered`);
    registry.set(spec.name, spec);
}
export function getExperiment(name) {
    const spec = registry.get(name);
    if (spec === undefined)
        throw new RangeError(unknownNameMessage('experiment', name, [...registry.keys()]));
    return spec;
}
export function listExperiments() {
    return [...registry.values()];
}
//# sourceMappingURL=registry.js.map