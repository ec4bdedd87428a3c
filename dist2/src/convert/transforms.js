import { unknownNameMessage } from '../util/suggest.js';
const registry = new Map();
export function registerModelTransform(transform) {
    if (registry.has(transform.name))
        throw new Error(`registerModelTransform: '${transform.name}' is already registered`);
    registry.set(transform.name, transform);
}
export function getModelTransform(name) {
    const transform = registry.get(name);
    if (transform === undefined)
        throw new Error(unknownNameMessage('model transform', name, [...registry.keys()]));
    return transform;
}
/** The registered transforms a form records, with their options, in registration order. */
export function transformsOf(form) {
    return [...registry.values()].filter((t) => form[t.name] !== undefined).map((t) => [t, form[t.name]]);
}
//# sourceMappingURL=transforms.js.map