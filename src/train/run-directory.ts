// A training run's directory: config.json (the resolved recipe), log.jsonl and log.csv (one record per epoch), and the
// last and best checkpoints. This unit decides which config a call trains (a new run's, or a resumed run's recorded
// one with its allowed overrides), upgrades what older versions wrote (flat log records, the channelsLast flag),
// keeps the logs consistent with the last checkpoint after a kill, and writes checkpoints atomically with an error
// that says what the user still has.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { OptimizerState } from '../engine/optim.js';
import type { Module } from '../nn/module.js';
import { FileWriteError, writeFileAtomic } from '../util/fs.js';
import { type CheckpointMeta, readCheckpointMeta, saveCheckpoint } from '../convert/checkpoint.js';
import { RESUME_OVERRIDES, type TrainConfig, withDefaults } from './config.js';
import type { EvalResult } from './metrics.js';

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** One line of log.jsonl: an epoch's training figures and, when it was evaluated, its test figures. */
export interface EpochRecord {
  epoch: number;
  /** Learning rate of the epoch's last batch. */
  lr: number;
  train: { loss: number; top1: number };
  test?: EvalResult;
  seconds: number;
  imagesPerSecond: number;
  /** Fraction of the epoch's training time spent waiting for the loader's next batch (0: the loader always kept ahead). */
  dataWait?: number;
  /** What the callbacks reported after the epoch (e.g. a budgeted regulariser's value, DGConv's groups per layer). */
  notes?: Record<string, unknown>;
}

export type TrainOptions = Partial<TrainConfig> & {
  /** A run directory (or its checkpoint) to continue; only RESUME_OVERRIDES may be given with it. */
  resume?: string;
};

/** YYYYMMDD-HHMMSS (UTC), the default run-directory prefix. */
function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

const CSV_COLUMNS = ['epoch', 'lr', 'train_loss', 'train_top1', 'test_loss', 'test_top1', 'test_top5', 'seconds', 'images_per_second'];
const csvRow = (r: EpochRecord): string =>
  [r.epoch, r.lr, r.train.loss, r.train.top1, r.test?.loss, r.test?.top1, r.test?.top5, r.seconds, r.imagesPerSecond].map((v) => v ?? '').join(',');

/** log.jsonl lines written before 0.1.0's record layout (flat eval_* fields). */
interface LegacyRecord {
  epoch: number; lr: number; train_loss: number; train_acc: number; eval_loss?: number; eval_top1?: number; eval_top5?: number; seconds: number; images_per_second: number;
}

function upgradeRecord(r: EpochRecord | LegacyRecord): EpochRecord {
  if (!('train_loss' in r)) return r;
  const test = r.eval_top1 === undefined ? undefined : { loss: r.eval_loss!, top1: r.eval_top1, top5: r.eval_top5!, count: 0, imagesPerSecond: 0 };
  return { epoch: r.epoch, lr: r.lr, train: { loss: r.train_loss, top1: r.train_acc }, test, seconds: r.seconds, imagesPerSecond: r.images_per_second };
}

/** Where a mid-epoch recovery checkpoint resumes: the batch to train next and the epoch's figures so far. */
export interface RecoveryPoint {
  batch: number;
  lossSum: number;
  correct: number;
  seen: number;
  waited: number;
  /** Training seconds of the epoch so far. */
  seconds: number;
  /** Each rank's RNG state (base64) in a data-parallel run. */
  rngStates?: string[];
  worldSize: number;
}

export const RECOVERY_CHECKPOINT = 'recovery.safetensors';

/** Progress of a checkpoint as (completed epochs, batches into the next). */
function progressOf(checkpoint: string): [number, number] {
  const meta = readCheckpointMeta(checkpoint);
  return [meta.epoch, (meta.extra as { recovery?: RecoveryPoint }).recovery?.batch ?? 0];
}

/**
 * Resolves a --resume argument (run directory or checkpoint file) to the run directory and the checkpoint to continue
 * from: the directory's recovery point when it is further on than its last epoch's checkpoint.
 */
export function resolveResume(target: string): { runDir: string; checkpoint: string } {
  if (!existsSync(target)) throw new TrainingError(`cannot resume: ${target} does not exist`);
  const isDir = statSync(target).isDirectory();
  const runDir = isDir ? target : dirname(target);
  let checkpoint = isDir ? join(target, 'last.safetensors') : target;
  const recovery = join(runDir, RECOVERY_CHECKPOINT);
  if (isDir && existsSync(recovery)) {
    const [re, rb] = progressOf(recovery);
    const [le] = existsSync(checkpoint) ? progressOf(checkpoint) : [-1];
    if (re > le! || (re === le && rb > 0)) checkpoint = recovery;
  }
  if (!existsSync(checkpoint)) throw new TrainingError(`cannot resume: ${checkpoint} does not exist (no epoch finished in that run yet?)`);
  if (!existsSync(join(runDir, 'config.json'))) throw new TrainingError(`cannot resume: ${runDir} has no config.json`);
  return { runDir, checkpoint };
}

/** The config a call trains: a new run's (defaults filled in), or a resumed run's recorded one with its allowed overrides. */
export function resolveRun(options: TrainOptions): { config: TrainConfig; runDir: string; resumeFrom?: string; recordedEpochs?: number } {
  if (options.resume === undefined) {
    const { resume: _unused, ...rest } = options;
    const config = withDefaults(rest);
    return { config, runDir: join(config.outDir, config.runName ?? `${timestamp()}-${config.model}-${config.dataset}`) };
  }
  if (options.init !== undefined) {
    throw new TrainingError('--init starts a new run from weights and --resume continues a run from its own checkpoint: give one of them');
  }
  const { resume, ...overrides } = options;
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined).map(([k]) => k);
  const refused = given.filter((k) => !(RESUME_OVERRIDES as readonly string[]).includes(k));
  if (refused.length) {
    throw new TrainingError(`a resumed run keeps the recipe recorded in its config.json, so ${refused.join(', ')} cannot be changed on resume ` +
      `(only ${RESUME_OVERRIDES.join(', ')} can); start a new run for another recipe`);
  }
  const r = resolveResume(resume);
  let recorded: TrainConfig;
  try {
    recorded = JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')) as TrainConfig;
  } catch (err) {
    throw new TrainingError(`cannot resume: ${join(r.runDir, 'config.json')} is not valid JSON (${(err as Error).message})`);
  }
  const legacy = recorded as TrainConfig & { channelsLast?: boolean };
  if (legacy.channelsLast !== undefined) {
    // Runs recorded before memoryFormat replaced the channelsLast flag.
    if (legacy.channelsLast) recorded.memoryFormat = 'channelsLast';
    delete legacy.channelsLast;
  }
  const kept = Object.fromEntries(given.map((k) => [k, overrides[k as keyof typeof overrides]]));
  return { config: withDefaults(recorded, kept), runDir: r.runDir, resumeFrom: r.checkpoint, recordedEpochs: recorded.epochs };
}

/**
 * The files of one run. Only the process that writes the run (rank 0 of a data-parallel run) changes them; the
 * others get the same calls and do nothing.
 */
export class RunDirectory {
  private created = false;

  constructor(readonly path: string, private readonly writes: boolean) {}

  get lastCheckpoint(): string {
    return join(this.path, 'last.safetensors');
  }

  /** A new run: refuses a directory that already holds one. */
  checkFree(): void {
    if (this.writes && existsSync(join(this.path, 'config.json'))) {
      throw new TrainingError(`${this.path} already holds a run: resume it (--resume ${this.path}) or choose another --run-name`);
    }
  }

  /** Creates the directory of a new run with its config.json. */
  create(config: TrainConfig): void {
    if (!this.writes) return;
    mkdirSync(this.path, { recursive: true });
    this.created = true;
    this.writeConfig(config);
  }

  writeConfig(config: TrainConfig): void {
    if (this.writes) writeFileAtomic(join(this.path, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  /**
   * The records of epochs <= `epochs`, with the logs rewritten to hold just those: a resumed run rewrites what came
   * after its checkpoint (a kill between a log line and its checkpoint leaves such a line).
   */
  truncateLogs(epochs: number): EpochRecord[] {
    if (!this.writes) return [];
    const file = join(this.path, 'log.jsonl');
    const kept = existsSync(file)
      ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => upgradeRecord(JSON.parse(l) as EpochRecord | LegacyRecord)).filter((r) => r.epoch <= epochs)
      : [];
    writeFileAtomic(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    writeFileAtomic(join(this.path, 'log.csv'), `${CSV_COLUMNS.join(',')}\n${kept.map((r) => `${csvRow(r)}\n`).join('')}`);
    return kept;
  }

  /**
   * Appends the epoch's record to the logs, then writes the checkpoints (last, and best when it improved): a kill in
   * between is repaired on resume by truncateLogs.
   */
  recordEpoch(record: EpochRecord, model: Module, meta: CheckpointMeta, optimizer: OptimizerState, improved: boolean): void {
    if (!this.writes) return;
    appendFileSync(join(this.path, 'log.jsonl'), `${JSON.stringify(record)}\n`);
    appendFileSync(join(this.path, 'log.csv'), `${csvRow(record)}\n`);
    try {
      saveCheckpoint(this.lastCheckpoint, model, meta, optimizer);
      if (improved) saveCheckpoint(join(this.path, 'best.safetensors'), model, meta);
      // The epoch's checkpoint is further on than any recovery point inside it.
      rmSync(join(this.path, RECOVERY_CHECKPOINT), { force: true });
    } catch (err) {
      if (!(err instanceof FileWriteError)) throw err;
      const resumable = existsSync(this.lastCheckpoint) ? `; \`leanconv train --resume ${this.path}\` continues from the last checkpoint written` : '';
      throw new TrainingError(`epoch ${record.epoch}: ${err.message}${resumable}`);
    }
  }

  /** A recovery point inside an epoch (atomic, as every checkpoint), replaced by the next one or the epoch's. */
  recordRecoveryPoint(model: Module, meta: CheckpointMeta, optimizer: OptimizerState): void {
    if (!this.writes) return;
    try {
      saveCheckpoint(join(this.path, RECOVERY_CHECKPOINT), model, meta, optimizer);
    } catch (err) {
      if (!(err instanceof FileWriteError)) throw err;
      throw new TrainingError(`recovery point in epoch ${meta.epoch + 1}: ${err.message}`);
    }
  }

  /** After a failure: a directory this call created and no checkpoint was written in is removed, so its name can be used again. */
  removeIfUnfinished(): void {
    if (this.created && !existsSync(this.lastCheckpoint) && !existsSync(join(this.path, RECOVERY_CHECKPOINT))) rmSync(this.path, { recursive: true, force: true });
  }
}
