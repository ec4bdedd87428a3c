export function hasLearnedStructure(m) {
    const s = m;
    return typeof s.exportStructure === 'function' && typeof s.restoreStructure === 'function';
}
const legacyFieldOf = (m) => m.constructor.legacyFormField;
const structuredModules = (model) => [...model.namedModules()].filter((e) => hasLearnedStructure(e[1]));
/**
 * The learned structure of every block that has one, by path, and the same in the legacy form fields (undefined
 * when the model has none).
 */
export function learnedStructureOf(model) {
    const modules = structuredModules(model);
    if (modules.length === 0)
        return undefined;
    const structure = {};
    const legacy = {};
    for (const [path, m] of modules) {
        const value = m.exportStructure();
        structure[path] = value;
        const field = legacyFieldOf(m);
        if (field === undefined)
            continue;
        if (field.perLayer)
            legacy[field.key] = { ...legacy[field.key], [path]: value };
        else if (legacy[field.key] === undefined || legacy[field.key] === value)
            legacy[field.key] = value;
        else
            throw new Error(`the model's ${m.constructor.name}s disagree on ${field.key} (${String(legacy[field.key])} and ${String(value)} at ${path})`);
    }
    return { structure, legacy };
}
/**
 * Restores every structured block from a record by path (form.structure), or from the legacy form fields when the
 * form has no record. A record that names a path without such a block is an error naming it; a block without a
 * record restores `undefined` (its final state, or an error of its own).
 */
export function restoreLearnedStructure(model, form) {
    const modules = structuredModules(model);
    if (form.structure !== undefined) {
        const known = new Set(modules.map(([path]) => path));
        const unknown = Object.keys(form.structure).filter((p) => !known.has(p));
        if (unknown.length)
            throw new Error(`the recorded learned structure does not fit the model (no structured block at ${unknown.join(', ')})`);
    }
    for (const [path, m] of modules) {
        if (form.structure !== undefined) {
            m.restoreStructure(form.structure[path]);
            continue;
        }
        const field = legacyFieldOf(m);
        const value = field === undefined ? undefined : form[field.key];
        m.restoreStructure(field?.perLayer ? value?.[path] : value);
    }
}
//# sourceMappingURL=structure.js.map