// Garbage collections during training: V8 collects when the external memory it is told about grows, and
// a training step's activations rise and fall every step. Compares leanconv's reporting policy with the
// eager one (LEANCONV_EXTERNAL_MEMORY=eager: every change reported) on ResNet-20 training steps, in
// separate processes, interleaved rounds, medians.
//
// node dist/bench/gc.js [--rounds 5] [--steps 30] [--batch 128] [--model resnet20] [--out gc]  (writes bench/results/<out>.md)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './common.js';
const { values } = parseArgs({
    options: {
        rounds: { type: 'string', default: '5' },
        steps: { type: 'string', default: '30' },
        batch: { type: 'string', default: '128' },
        model: { type: 'string', default: 'resnet20' },
        out: { type: 'string', default: 'gc' },
        worker: { type: 'boolean', default: false },
    },
});
async function worker() {
    const lc = await import('../src/engine/index.js');
    const { createModel } = await import('../src/models/index.js');
    const steps = Number(values.steps);
    const batch = Number(values.batch);
    lc.manualSeed(0);
    const model = createModel(values.model, { numClasses: 10, inChannels: 3, inputSize: 32 }).toMemoryFormat('auto');
    const optimizer = new lc.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = lc.randn([batch, 3, 32, 32]);
    const y = lc.randint(0, 10, [batch]);
    const step = () => lc.tidy(() => {
        const loss = lc.F.crossEntropy(model.forward(model.formatInput(x)), y);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
    });
    for (let i = 0; i < 3; i++)
        step();
    const counts = { major: 0, minor: 0, gcMs: 0 };
    const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            const kind = e.detail?.kind;
            if (kind === constants.NODE_PERFORMANCE_GC_MAJOR)
                counts.major++;
            else
                counts.minor++;
            counts.gcMs += e.duration;
        }
    });
    observer.observe({ entryTypes: ['gc'] });
    const start = performance.now();
    for (let i = 0; i < steps; i++)
        step();
    const ms = (performance.now() - start) / steps;
    await new Promise((r) => setTimeout(r, 20));
    observer.disconnect();
    const sample = { msPerStep: ms, ...counts };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
}
function parent() {
    const rounds = Number(values.rounds);
    const variants = { eager: 'eager', leanconv: '' };
    const samples = { eager: [], leanconv: [] };
    const script = fileURLToPath(import.meta.url);
    for (let r = 0; r < rounds; r++) {
        for (const [name, policy] of Object.entries(variants)) {
            const args = [script, '--worker', '--steps', values.steps, '--batch', values.batch, '--model', values.model];
            const out = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, LEANCONV_EXTERNAL_MEMORY: policy } });
            if (out.status !== 0)
                throw new Error(out.stderr);
            samples[name].push(JSON.parse(out.stdout.trim().split('\n').pop()));
        }
        process.stderr.write(`round ${r + 1}/${rounds}\n`);
    }
    const row = (name) => {
        const s = samples[name];
        const perStep = (f) => (median(s.map(f)) / Number(values.steps)).toFixed(2);
        return `| ${name === 'eager' ? 'every change reported (eager)' : 'leanconv (growth; collected; lasting drops)'} | ${median(s.map((x) => x.msPerStep)).toFixed(1)} | ${perStep((x) => x.major)} | ${perStep((x) => x.minor)} | ${perStep((x) => x.gcMs)} |`;
    };
    const command = `node dist/bench/gc.js --rounds ${rounds} --steps ${values.steps} --batch ${values.batch} --model ${values.model} --out ${values.out}`;
    const report = [
        '# Garbage collections per training step', '',
        `\`${command}\`, ${new Date().toISOString().slice(0, 10)}: ${values.model} training steps (batch ${values.batch}, 3x32x32, SGD), medians of ${rounds} interleaved rounds in separate processes.`, '',
        '| external-memory reports | ms/step | major GCs/step | minor GCs/step | GC ms/step |', '|---|---:|---:|---:|---:|', row('eager'), row('leanconv'), '',
        `ms/step per round: eager ${samples.eager.map((x) => x.msPerStep.toFixed(0)).join(', ')}; leanconv ${samples.leanconv.map((x) => x.msPerStep.toFixed(0)).join(', ')}`, '',
    ].join('\n');
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(`bench/results/${values.out}.md`, report);
    process.stdout.write(`${report}written to bench/results/${values.out}.md\n`);
}
if (values.worker)
    await worker();
else
    parent();
//# sourceMappingURL=gc.js.map