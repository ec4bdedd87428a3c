// CondenseNet conversion: condense() replaces every learned group conv by its gather + group conv +
// shuffle module and prunes the classifier to its most important half of the inputs (the official
// utils.convert_model). The convs are exact; the classifier prune changes the logits.
import { CondensableLinear, LearnedGroupConv } from '../blocks/condense.js';
import { reparameterize } from './reparameterize.js';
export const isCondensationBlock = (m) => m instanceof LearnedGroupConv || m instanceof CondensableLinear;
/** Condenses the model in place (see the file comment) and returns it. Other training-form blocks are left as they are. */
export function condense(model) {
    return reparameterize(model, isCondensationBlock);
}
const learnedGroupConvs = (model) => model.modules().filter((m) => m instanceof LearnedGroupConv);
/**
 * The condensation stage the model's learned group convs have reached (undefined without any). They
 * all follow the same training progress, so they agree unless they were edited by hand.
 */
export function condensationStageOf(model) {
    const stages = new Set(learnedGroupConvs(model).map((m) => m.stage));
    if (stages.size > 1)
        throw new Error(`the model's learned group convs are at different condensation stages (${[...stages].join(', ')})`);
    return stages.size ? [...stages][0] : undefined;
}
/**
 * Puts every learned group conv into a valid state of the given stage (default: fully condensed): only the
 * structure matters (LearnedGroupConv.restoreStructure); this is how a deploy-form model is built before its
 * weights (and real indices) are loaded.
 */
export function assumeCondensationStage(model, stage) {
    for (const m of learnedGroupConvs(model))
        m.restoreStructure(stage);
}
//# sourceMappingURL=condense.js.map