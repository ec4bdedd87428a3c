// Model-wide conversion to the deploy form: every re-parameterisable block is replaced, in place, by
// its deploy module (timm's reparameterize_model convention). The BNs' running statistics are used, so
// the deploy model computes the training-form model's eval-mode function.
import { isReparameterizable } from '../blocks/reparam.js';
/** Paths of the blocks still in training form (outermost only), e.g. ['layer1.0.conv1', ...]. */
export function trainingFormBlocks(model) {
    const paths = [];
    const visit = (m, prefix) => {
        for (const [name, child] of m.namedChildren()) {
            const path = prefix ? `${prefix}.${name}` : name;
            if (isReparameterizable(child))
                paths.push(path);
            else
                visit(child, path);
        }
    };
    if (isReparameterizable(model))
        return [''];
    visit(model, '');
    return paths;
}
/**
 * Replaces every training-form block by its deploy module and frees the block. Returns the model (a new
 * module only when the model itself is a block). `only` restricts the conversion to some block types.
 */
export function reparameterize(model, only) {
    if (isReparameterizable(model)) {
        if (only && !only(model))
            return model;
        const deployed = model.toDeploy().train(model.training);
        model.dispose();
        return deployed;
    }
    for (const path of trainingFormBlocks(model)) {
        const block = model.getSubmodule(path);
        if (only && !only(block))
            continue;
        if (!isReparameterizable(block))
            continue;
        model.setSubmodule(path, block.toDeploy()).dispose();
    }
    return model;
}
//# sourceMappingURL=reparameterize.js.map