// The metadata leanconv writes into an exported model (input shape, class names, eval preprocessing, ...), read
// back defensively: a file exported by another tool, an older leanconv or a hand edit may hold anything under
// these keys. Every reader (predict, serve, evaluation) takes the validated form, in which a malformed field is
// dropped with a warning that says what was wrong and what is used instead.
import { buildTransform } from '../data/transforms.js';
/** What is wrong with one recorded preprocessing step, if anything: the transform builder's own checks. */
function transformProblem(t) {
    if (typeof t !== 'object' || t === null || Array.isArray(t))
        return 'a step is not an object';
    try {
        buildTransform(t);
        return undefined;
    }
    catch (err) {
        return err.message;
    }
}
/**
 * The validated metadata of `raw` (as read from a file's 'leanconv.*' properties), with a warning for every field
 * that was present but malformed and has been dropped. `source` names the file in the warnings.
 */
export function validateMetadata(raw, source) {
    const metadata = {};
    const warnings = [];
    const drop = (key, why, instead) => void warnings.push(`${source}: metadata '${key}' ignored (${why}); ${instead}`);
    for (const key of ['model', 'form', 'dataset']) {
        const v = raw[key];
        if (v === undefined || v === null || v === '')
            continue;
        if (typeof v === 'string')
            metadata[key] = v;
        else
            drop(key, 'not a string', 'left out');
    }
    if (raw.epoch !== undefined && raw.epoch !== null && raw.epoch !== '') {
        if (Number.isInteger(raw.epoch))
            metadata.epoch = raw.epoch;
        else
            drop('epoch', 'not an integer', 'left out');
    }
    const input = raw.input;
    if (input !== undefined && input !== null && input !== '') {
        if (Array.isArray(input) && input.length === 3 && input.every((d) => Number.isInteger(d) && d >= 1 && d <= 8192))
            metadata.input = input;
        else
            drop('input', 'not three sizes [C, H, W] from 1 to 8192', "the graph's static input shape is used if it has one");
    }
    const classes = raw.classes;
    if (classes !== undefined && classes !== null && classes !== '') {
        if (Array.isArray(classes) && classes.length > 0 && classes.every((c) => typeof c === 'string'))
            metadata.classes = classes;
        else
            drop('classes', 'not a non-empty list of names', 'classes are shown as indices');
    }
    const preprocessing = raw.preprocessing;
    if (preprocessing !== undefined && preprocessing !== null && preprocessing !== '') {
        const problem = Array.isArray(preprocessing) ? preprocessing.map(transformProblem).find((p) => p !== undefined) : 'not a list of steps';
        if (problem === undefined)
            metadata.preprocessing = preprocessing;
        else
            drop('preprocessing', problem, 'pixels go in as 0..1 without normalisation');
    }
    if (raw.features !== undefined) {
        if (Array.isArray(raw.features))
            metadata.features = raw.features;
        else
            drop('features', 'not a list', 'left out');
    }
    return { metadata, warnings };
}
//# sourceMappingURL=metadata.js.map