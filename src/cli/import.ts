// `leanconv import`: weights published for PyTorch code (.pth / .pth.tar, ACNet's HDF5) into a leanconv checkpoint.
// The work is done by src/interop/import.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { withNormalization } from '../data/pipelines.js';
import { formName, type ModelForm } from '../convert/form.js';
import { defaultTransformForms } from '../convert/transforms.js';
import { importToCheckpoint, weightFormats } from '../interop/import.js';
import { defaultEvalPreprocessing, getModelSpec } from '../models/index.js';
import { num, parse, UsageError, usage } from './args.js';
import { HELP, normalizeFrom, out, printJson } from './common.js';
import { listPhrase } from '../util/format.js';

export async function cmdImport(argv: string[]): Promise<void> {
  const opts = {
    ...HELP, model: { type: 'string' as const, short: 'm' }, out: { type: 'string' as const, short: 'o' }, 'num-classes': { type: 'string' as const },
    'in-channels': { type: 'string' as const }, 'input-size': { type: 'string' as const }, classes: { type: 'string' as const },
    mean: { type: 'string' as const }, std: { type: 'string' as const }, form: { type: 'string' as const }, json: { type: 'boolean' as const },
  };
  const { values, positionals } = parse(argv, opts, 'import');
  if (values.help || positionals.length !== 1) {
    return usage(values.help, `usage: leanconv import <weights.pth${weightFormats().map((f) => ` | weights.${f.extension}`).join('')}> --model NAME [--out checkpoint.safetensors] [--num-classes N]
       [--in-channels C] [--input-size S] [--classes a,b,c | --classes names.txt] [--mean m1,m2,m3 --std s1,s2,s3]
       [--form ${Object.keys(importForms()).join('|')}] [--json]

Reads a PyTorch file (torch.save's zip format, or the legacy format before PyTorch 1.6) without running
any of it: only the Python names a state dict needs are accepted (OrderedDict, tensor rebuild functions,
storage types); a file that asks for anything else (os.system, a pickled model class) is refused and the
name is given. The state dict is taken from the top level or from 'state_dict', 'net', 'model',
'model_state_dict' or 'state'; DataParallel's 'module.' prefix is dropped. Every name and shape must
match the model (paper models use the official names, baselines torchvision's). The class count comes
from the classifier unless --num-classes is given. The form the weights are in is the one whose names
and shapes they fit (tried in the order base, deploy, ACB training form), or --form's: CondenseNet's
released converted_condensenet_4.pth.tar / _8 hold the deploy form (-m condensenet74_c4g4 / _c8g8).
Writes a leanconv checkpoint (default:
<name>.safetensors beside the input) that eval, convert and export take.

The checkpoint records what eval, export, predict and serve need: the input size (the model's own,
e.g. 3x224x224 for ImageNet models; --input-size), the class names (--classes, a comma-separated list
or a file with one name per line; default the indices 0, 1, ...) and the eval preprocessing the weights
expect (ImageNet models: resize, centre crop, ImageNet mean/std; CIFAR models: CIFAR-10's mean/std;
--mean and --std replace the normalisation).${weightFormats().map((f) => `\n\n${f.help}`).join('')}`);
  }
  if (values.model === undefined) throw new UsageError('--model is required (the registered model the weights are for; see leanconv models)');
  const file = positionals[0]!;
  const output = (values.out as string | undefined) ?? join(dirname(file), `${basename(file).replace(/(\.pth)?(\.tar)?$/, '').replace(/\.(pt|hdf5|h5)$/, '')}.safetensors`);
  const numClasses = num(values, 'num-classes', { integer: true, min: 1 });
  const inChannels = num(values, 'in-channels', { integer: true, min: 1 });
  const inputSize = num(values, 'input-size', { integer: true, min: 1 });
  const modelOptions = { ...(numClasses !== undefined ? { numClasses } : {}), ...(inChannels !== undefined ? { inChannels } : {}), ...(inputSize !== undefined ? { inputSize } : {}) };
  const classes = values.classes === undefined ? undefined : classNames(values.classes as string);
  if (classes !== undefined && numClasses !== undefined && classes.length !== numClasses) throw new UsageError(`--classes names ${classes.length} classes but --num-classes is ${numClasses}`);
  const model = values.model as string;
  const spec = getModelSpec(model);
  const normalize = normalizeFrom(values);
  const preprocessing = normalize === undefined ? undefined : withNormalization(defaultEvalPreprocessing(spec, modelOptions), normalize);
  const forms = importForms();
  const form = values.form === undefined ? undefined : forms[values.form as string];
  if (values.form !== undefined && form === undefined) throw new UsageError(`--form must be ${listPhrase(Object.keys(forms))}, got '${values.form}'`);
  const r = await importToCheckpoint(file, output, { model, form, modelOptions: { ...modelOptions, ...(classes && numClasses === undefined ? { numClasses: classes.length } : {}) }, classes, preprocessing });
  r.model.dispose();
  const report = { output, model: values.model, form: formName(r.form), modelOptions: r.modelOptions, tensors: r.tensors, foundAt: r.foundAt || '(top level)', strippedPrefix: r.strippedPrefix };
  if (values.json) return printJson(report);
  out(`${file}: ${r.tensors} tensors from ${report.foundAt}${r.strippedPrefix ? " (DataParallel 'module.' prefix dropped)" : ''} loaded into ` +
    `${values.model}${r.modelOptions.numClasses ? ` with ${r.modelOptions.numClasses} classes` : ''} (${formName(r.form)} form); wrote ${output}`);
}

/** --form's choices: the base form, each registered transform with its default options, the deploy form. */
function importForms(): Record<string, ModelForm> {
  return { base: {}, ...Object.fromEntries(defaultTransformForms().map(({ name, form }) => [name, form])), deploy: { deploy: true } };
}

/** Class names from a comma-separated list or a file with one name per line. */
function classNames(value: string): string[] {
  const names = existsSync(value) && statSync(value).isFile()
    ? readFileSync(value, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
    : value.split(',').map((n) => n.trim());
  if (names.length === 0 || names.some((n) => n === '')) throw new UsageError(`--classes: no names, or an empty name, in '${value}'`);
  return names;
}
