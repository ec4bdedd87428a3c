// Structural re-parameterisation: a block that trains in a rich form and deploys as a simpler module
// with the same eval-mode function (ACNet's ACB, CondenseNet's learned group convs).
import { keep } from '../engine/scope.js';
import { foldsForInference, isWatched } from '../nn/fusion.js';
export const isExactDeploy = (m) => m.exactDeploy !== false;
export function isReparameterizable(m) {
    return typeof m.toDeploy === 'function';
}
/**
 * The block's deploy form for inference (eval mode, no gradient recorded, fusion on): built by toDeploy() on
 * first use, in the block's memory format and eval mode, and cached until one of the block's tensors changes,
 * so that the conversion runs once rather than per batch. undefined when the block must run as written (in
 * training, while tracing, with a watched submodule, or for a conversion that changes the function).
 */
export function cachedDeployForm(block) {
    // A watcher on the block itself sees the same output either way; one on a submodule needs it to run.
    if (!foldsForInference(block) || !isExactDeploy(block) || block.modules().some((m) => m !== block && isWatched(m)))
        return undefined;
    const sources = [...block.parameters(), ...block.namedBuffers().map(([, b]) => b)];
    return block.evalCache.get('deployForm', sources, () => {
        const deployed = block.toDeploy().toMemoryFormat(block.memoryFormat).eval();
        // The cache owns the module's tensors: no enclosing scope may free them.
        for (const t of [...deployed.parameters(), ...deployed.namedBuffers().map(([, b]) => b)])
            keep(t);
        return deployed;
    });
}
//# sourceMappingURL=reparam.js.map