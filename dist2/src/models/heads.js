// The layers a model's spec declares (timm's pretrained_cfg 'classifier' and 'first_conv'), found in a built
// model whatever form it is in, and the classifier replaced for another class count (timm's reset_classifier).
import { tidy } from '../engine/scope.js';
import { cat } from '../engine/tensor.js';
import { Conv2d, Linear } from '../nn/layers.js';
/** The Linear at or inside `path` that is listed last (a deploy form may wrap it, e.g. CondenseNet's index + linear). */
function lastOfType(model, path, type, first) {
    const root = model.getSubmodule(path);
    let found;
    for (const [name, m] of root.namedModules()) {
        if (!(m instanceof type))
            continue;
        found = { path: [path, name].filter(Boolean).join('.'), module: m };
        if (first)
            break;
    }
    return found;
}
/** The model's classifier: the Linear its spec names (or the one inside it), with its dotted path. */
export function classifierOf(model, spec) {
    const found = lastOfType(model, spec.classifier, Linear, false);
    if (found === undefined)
        throw new Error(`model '${spec.name}': its declared classifier '${spec.classifier}' holds no Linear`);
    return { path: found.path, linear: found.module };
}
/** The model's first conv (the Conv2d at or first inside the declared path: an ACNet block's square branch), with its dotted path. */
export function firstConvOf(model, spec) {
    const found = lastOfType(model, spec.firstConv, Conv2d, true);
    if (found === undefined)
        throw new Error(`model '${spec.name}': its declared first conv '${spec.firstConv}' holds no Conv2d`);
    return { path: found.path, conv: found.module };
}
/**
 * Replaces the classifier by a freshly initialised one of the same kind for `numClasses` outputs (timm's
 * reset_classifier); nothing else changes. Returns the classifier's path.
 */
export function resetClassifier(model, spec, numClasses) {
    if (!Number.isInteger(numClasses) || numClasses < 1)
        throw new RangeError(`resetClassifier: numClasses must be a positive integer, got ${numClasses}`);
    const { path, linear } = classifierOf(model, spec);
    model.setSubmodule(path, linear.resized(numClasses)).dispose();
    return path;
}
/**
 * A first conv's weight [out, in, kh, kw] for `inChannels` inputs (timm's adapt_input_conv): summed over the
 * stored channels for one input channel (a grayscale image gives what its RGB copy gave), otherwise the stored
 * channels repeated to `inChannels` and scaled by stored/inChannels. The caller owns the result.
 */
export function adaptInputConvWeight(weight, inChannels) {
    const stored = weight.shape[1];
    if (inChannels === stored)
        return weight.clone();
    if (inChannels === 1)
        return weight.sum([1], true);
    const repeats = Math.ceil(inChannels / stored);
    return tidy(() => cat(Array.from({ length: repeats }, () => weight), 1).narrow(1, 0, inChannels).mul(stored / inChannels));
}
//# sourceMappingURL=heads.js.map