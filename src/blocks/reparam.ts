// Structural re-parameterisation: a block that trains in a rich form and deploys as a simpler module
// with the same eval-mode function (ACNet's ACB, CondenseNet's learned group convs).
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
