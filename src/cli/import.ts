// `leanconv import`: weights published for PyTorch code (.pth / .pth.tar, ACNet's HDF5) into a leanconv checkpoint.
// The work is done by src/interop/import.ts.
import { basename, dirname, join } from 'node:path';

import { importToCheckpoint } from '../interop/import.js';
import { num, parse, UsageError } from './args.js';
import { HELP, out, printJson } from './common.js';

export async function cmdImport(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, model: { type: 'string' as const, short: 'm' }, out: { type: 'string' as const, short: 'o' }, 'num-classes': { type: 'string' as const },
    'in-channels': { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'import');
  if (values.help || positionals.length !== 1) {
    return out(`usage: leanconv import <weights.pth | weights.hdf5> --model NAME [--out checkpoint.safetensors] [--num-classes N] [--in-channels C] [--json]

Reads a PyTorch file (torch.save's zip format, or the legacy format before PyTorch 1.6) without running
any of it: only the Python names a state dict needs are accepted (OrderedDict, tensor rebuild functions,
storage types); a file that asks for anything else (os.system, a pickled model class) is refused and the
name is given. The state dict is taken from the top level or from 'state_dict', 'net', 'model',
'model_state_dict' or 'state'; DataParallel's 'module.' prefix is dropped. Every name and shape must
match the model (paper models use the official names, baselines torchvision's). The class count comes
from the classifier unless --num-classes is given. Writes a leanconv checkpoint (default:
<name>.safetensors beside the input) that eval, convert and export take.

ACNet's HDF5 files (DingXiaoH/ACNet's finish.hdf5 / finish_deploy.hdf5) import into the model that
corresponds to the official one: cifar_quick (cfqkbnc), resnet56 (src56), vgg16_cifar (vc), wrn16_8
(wrnc16plain). The official names are mapped (stage1.block0.conv1.conv.weight -> layer1.0.conv1.weight)
and the form is read off them: a baseline, the ACB training form (convert it with leanconv convert), or
the fused deploy form.`);
  }
  if (values.model === undefined) throw new UsageError('--model is required (the registered model the weights are for; see leanconv models)');
  const file = positionals[0]!;
  const output = (values.out as string | undefined) ?? join(dirname(file), `${basename(file).replace(/(\.pth)?(\.tar)?$/, '').replace(/\.(pt|hdf5|h5)$/, '')}.safetensors`);
  const numClasses = num(values, 'num-classes', { integer: true, min: 1 });
  const inChannels = num(values, 'in-channels', { integer: true, min: 1 });
  const modelOptions = { ...(numClasses !== undefined ? { numClasses } : {}), ...(inChannels !== undefined ? { inChannels } : {}) };
  const r = await importToCheckpoint(file, output, { model: values.model as string, modelOptions });
  r.model.dispose();
  const report = { output, model: values.model, modelOptions: r.modelOptions, tensors: r.tensors, foundAt: r.foundAt || '(top level)', strippedPrefix: r.strippedPrefix };
  if (values.json) return printJson(report);
  out(`${file}: ${r.tensors} tensors from ${report.foundAt}${r.strippedPrefix ? " (DataParallel 'module.' prefix dropped)" : ''} loaded into ` +
    `${values.model}${r.modelOptions.numClasses ? ` with ${r.modelOptions.numClasses} classes` : ''}; wrote ${output}`);
}
