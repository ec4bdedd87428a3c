// Structural re-parameterisation: a block that trains in a rich form and deploys as a simpler module
// with the same eval-mode function (ACNet's ACB; later CondenseNet's learned group convs).
import { Module } from '../nn/module.js';

export interface Reparameterizable {
  /** The deploy-form module computing the same eval-mode function. The block itself is left intact. */
  toDeploy(): Module;
}

export function isReparameterizable(m: Module): m is Module & Reparameterizable {
  return typeof (m as Partial<Reparameterizable>).toDeploy === 'function';
}
