// Structural re-parameterisation: a block that trains in a rich form and deploys as a simpler module
// with the same eval-mode function (ACNet's ACB, CondenseNet's learned group convs).
import { keep } from '../engine/scope.js';
import { foldsForInference, isWatched } from '../nn/fusion.js';
import { Module } from '../nn/module.js';

export interface Reparameterizable {
  /** The deploy-form module computing the same eval-mode function. The block itself is left intact. */
  toDeploy(): Module;
  /**
   * False for a conversion that changes the function on purpose (CondenseNet's classifier prune);
   * converters check the exact ones for equality and report what the others change. Default true.
   */
  readonly exactDeploy?: boolean;
}

export const isExactDeploy = (m: Reparameterizable): boolean => m.exactDeploy !== false;

export function isReparameterizable(m: Module): m is Module & Reparameterizable {
  return typeof (m as Partial<Reparameterizable>).toDeploy === 'function';
}

/**
 * The block's deploy form for inference (eval mode, no gradient recorded, fusion on): built by toDeploy() on
 * first use, in the block's memory format and eval mode, and cached until one of the block's tensors changes,
 * so that the conversion runs once rather than per batch. undefined when the block must run as written (in
 * training, while tracing, with a watched submodule, or for a conversion that changes the function).
 */
export function cachedDeployForm(block: Module & Reparameterizable): Module | undefined {
  // A watcher on the block itself sees the same output either way; one on a submodule needs it to run.
  if (!foldsForInference(block) || !isExactDeploy(block) || block.modules().some((m) => m !== block && isWatched(m))) return undefined;
  const sources = [...block.parameters(), ...block.namedBuffers().map(([, b]) => b)];
  return block.evalCache.get('deployForm', sources, () => {
    const deployed = block.toDeploy().toMemoryFormat(block.memoryFormat).eval();
    // The cache owns the module's tensors: no enclosing scope may free them.
    for (const t of [...deployed.parameters(), ...deployed.namedBuffers().map(([, b]) => b)]) keep(t);
    return deployed;
  });
}
