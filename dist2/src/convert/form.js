import { createModel } from '../models/index.js';
import { restoreLearnedStructure } from '../nn/structure.js';
import './acnet.js'; // registers ACNet's training form ('acb')
import { reparameterize } from './reparameterize.js';
import { transformsOf } from './transforms.js';
export function formName(form = {}) {
    if (form.deploy)
        return 'deploy';
    return transformsOf(form)[0]?.[0].name ?? 'base';
}
/** Creates a registered model in the given form (the weights are fresh; load a state dict next). */
export function buildModel(name, options = {}, form = {}) {
    let model = createModel(name, options);
    for (const [transform, transformOptions] of transformsOf(form))
        model = transform.apply(model, transformOptions, { preserveFunction: false });
    if (form.deploy) {
        restoreLearnedStructure(model, form);
        model = reparameterize(model);
    }
    return model;
}
/**
 * A deploy-form copy of `model`: `build()` makes a fresh model of the same structure (same name, options
 * and form), which takes the model's weights and is converted. `model` itself is left as it is.
 */
export function deployedCopy(model, build) {
    const copy = build();
    copy.loadStateDict(model.stateDict());
    return reparameterize(copy.eval());
}
/** Parses a gamma option: a number, a fraction such as '1/3', or 'square'. */
export function parseAcbGamma(text) {
    if (text === 'square')
        return 'square';
    const fraction = /^\s*([0-9.]+)\s*\/\s*([0-9.]+)\s*$/.exec(text);
    const value = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
    if (text.trim() === '' || !Number.isFinite(value))
        throw new RangeError(`ACB gamma must be a number, a fraction such as 1/3, or 'square'; got '${text}'`);
    return value;
}
//# sourceMappingURL=form.js.map