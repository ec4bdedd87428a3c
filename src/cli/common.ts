// Pieces shared by the leanconv commands: output helpers and the option groups several commands take.
import type { AcbGamma } from '../blocks/acb.js';
import { parseAcbGamma, type ModelForm } from '../convert/form.js';
import { roundNumbers } from '../util/format.js';
import { UsageError, type OptionSpec } from './args.js';

export const out = (s: string): void => void process.stdout.write(`${s}\n`);
/** Command results as JSON, fractions and timings rounded to 6 significant digits. */
export const printJson = (v: unknown): void => out(JSON.stringify(v, roundNumbers, 2));

export const HELP: OptionSpec = { help: { type: 'boolean', short: 'h' } };

export const MODEL_SHAPE_OPTIONS: OptionSpec = {
  'num-classes': { type: 'string' },
  'in-channels': { type: 'string' },
  input: { type: 'string' },
};

/** --acb / --acb-gamma / --deploy: which form of a registered model to build. */
export const FORM_OPTIONS: OptionSpec = {
  acb: { type: 'boolean' },
  'acb-gamma': { type: 'string' },
  deploy: { type: 'boolean' },
};

export const FORM_HELP = `model form:
  --acb            the ACNet training form (every 3x3/5x5 conv an Asymmetric Convolution Block)
  --acb-gamma G    initial BN gamma of its branches: 1 (default), 1/3, any number, square
  --deploy         the deploy form fused from the ACNet form (implies --acb)`;

export function formFrom(values: Record<string, unknown>): ModelForm {
  const deploy = Boolean(values.deploy);
  if (!values.acb && !deploy) {
    if (values['acb-gamma'] !== undefined) throw new UsageError('--acb-gamma needs --acb');
    return {};
  }
  const gamma = acbGammaFrom(values) ?? 1;
  return deploy ? { acb: { gamma }, deploy: true } : { acb: { gamma } };
}

/** The --acb-gamma value, if given. */
export function acbGammaFrom(values: Record<string, unknown>): AcbGamma | undefined {
  const raw = values['acb-gamma'];
  if (raw === undefined) return undefined;
  try {
    return parseAcbGamma(String(raw));
  } catch (err) {
    throw new UsageError(`--acb-gamma: ${(err as Error).message}`);
  }
}
