// `leanconv info`: parameters and multiply-accumulates of a model or checkpoint, and of the deploy form it converts to.
import { formatProfile, formatReferenceCount, profileModel, referenceCount } from '../analysis/index.js';
import { deployedCopy, formName } from '../convert/form.js';
import { reparameterize, trainingFormBlocks, trainingFormPapers } from '../convert/reparameterize.js';
import { getModelSpec } from '../models/index.js';
import type { Module } from '../nn/module.js';
import { learnedStructureOf, restoreLearnedStructure } from '../nn/structure.js';
import { parse, usage } from './args.js';
import { formHelp, formOptions, transformSwitches, HELP, MODEL_ARGS_HELP, MODEL_SHAPE_OPTIONS, out, printJson } from './common.js';
import { modelFromArgument } from './model-argument.js';

export function cmdInfo(argv: string[]): void {
  const { values, positionals } = parse(argv, { ...HELP, ...MODEL_SHAPE_OPTIONS, ...formOptions(), layers: { type: 'boolean' }, json: { type: 'boolean' } }, 'info');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv info <model | checkpoint.safetensors | run-dir> ${transformSwitches().map((s) => `[${s}]`).join(' ')} [--deploy] [--model-args A] [--num-classes N] [--in-channels C] [--input S | C,H,W] [--layers] [--json]

Counts parameters and conv+linear multiply-accumulates (per image) by running the model on one input.
--input is one size S (C from the model or --in-channels) or C,H,W (also CxHxW, e.g. 1x28x28).
Models whose paper counts FLOPs its own way (CondenseNet) also get that count. A training form
(${trainingFormPapers()}) also gets the params and MACs of the deploy form it converts to now.
${MODEL_ARGS_HELP}
${formHelp()}`);
  }
  const { model, name, form, shape, rebuild, note } = modelFromArgument(positionals[0]!, values);
  try {
    if (note) process.stderr.write(`note: ${note}\n`);
    const profile = profileModel(model, shape);
    const convention = getModelSpec(name).flopsConvention;
    const reference = convention === undefined ? undefined : referenceCount(convention, model, shape);
    const deploy = deployFormCost(model, rebuild, shape);
    const condensed = fullyCondensedCost(model, rebuild, shape, deploy);
    if (values.json) return printJson({ model: name, form: formName(form), ...profile, reference, deployForm: deploy, condensedDeployForm: condensed, layers: values.layers ? profile.layers : undefined });
    out(`${name} (${formName(form)} form)`);
    out(formatProfile(profile, { layers: Boolean(values.layers) }));
    if (reference) out(formatReferenceCount(reference));
    const ratio = (cost: { macs: number }): string => {
      const r = profile.macs / cost.macs;
      if (Math.abs(r - 1) < 0.005) return 'as many MACs as the training form';
      return r >= 1 ? `${r.toFixed(2)}x fewer MACs` : `${(1 / r).toFixed(2)}x more MACs`;
    };
    if (deploy) {
      out(`deploy form, as converted now: ${deploy.params.toLocaleString('en-US')} params, ${deploy.macs.toLocaleString('en-US')} MACs (${ratio(deploy)})` +
        `${condensed ? ' (the learned group convs have not condensed yet: training condenses them)' : ''}`);
    }
    if (condensed) {
      out(`deploy form once fully condensed (as at the end of training): ${condensed.params.toLocaleString('en-US')} params, ${condensed.macs.toLocaleString('en-US')} MACs (${ratio(condensed)})`);
    }
  } finally {
    model.dispose();
  }
}

/**
 * Params and MACs of a training-form model's deploy form (undefined when it has no training-form
 * blocks). The deploy structure of CondenseNet and DGConv follows what they learned (masks, gates), so
 * a fresh model's figures are those of its initial state.
 */
function deployFormCost(model: Module, rebuild: () => Module, shape: [number, number, number]): { params: number; macs: number } | undefined {
  if (trainingFormBlocks(model).length === 0) return undefined;
  const deployed = deployedCopy(model, rebuild);
  try {
    const p = profileModel(deployed, shape);
    return { params: p.params, macs: p.macs };
  } finally {
    deployed.dispose();
  }
}

/**
 * Params and MACs of the deploy form the model reaches once every learned structure is in its final state (a learned
 * group conv fully condensed, as at the end of CondenseNet training); undefined when it is there already.
 */
function fullyCondensedCost(model: Module, rebuild: () => Module, shape: [number, number, number], now: { params: number } | undefined): { params: number; macs: number } | undefined {
  if (now === undefined || learnedStructureOf(model) === undefined) return undefined;
  const copy = rebuild();
  copy.loadStateDict(model.stateDict());
  restoreLearnedStructure(copy, { structure: {} });
  const deployed = reparameterize(copy.eval());
  try {
    const p = profileModel(deployed, shape);
    return p.params === now.params ? undefined : { params: p.params, macs: p.macs };
  } finally {
    deployed.dispose();
  }
}
