// `leanconv models`: the registered models by family, with their architecture arguments on request.
import { createModel, getModelSpec, isStagedModel, listModels } from '../models/index.js';
import { parse, UsageError } from './args.js';
import { HELP, out, printJson } from './common.js';
export function cmdModels(argv) {
    const { values, positionals } = parse(argv, { ...HELP, args: { type: 'boolean' }, stages: { type: 'boolean' }, json: { type: 'boolean' } }, 'models');
    if (values.help) {
        return out('usage: leanconv models [pattern] [--args] [--stages] [--json]\n\nLists registered models, grouped by family; pattern is a glob (resnet*, *cifar*).\n' +
            '--args lists the architecture arguments (--model-args) each matching model takes, with its defaults.\n' +
            '--stages lists the stages each matching model declares (module, channels, stride: the feature maps of\n' +
            '         features: true, what train --freeze N counts), its first conv and its classifier.');
    }
    const names = listModels(positionals[0] ?? '*');
    const specs = names.map(getModelSpec);
    if (values.json)
        return printJson(specs.map(({ create: _c, ...s }) => s));
    if (names.length === 0)
        throw new UsageError(`no model matches '${positionals[0]}'; run leanconv models to see them all`);
    if (values.args) {
        for (const s of specs) {
            out(`${s.name}:${s.args ? '' : ' no arguments'}`);
            const show = (v) => (Array.isArray(v) ? v.join('-') : String(v));
            for (const [k, v] of Object.entries(s.args?.defaults ?? {}))
                out(`  ${`${k}=${show(v)}`.padEnd(26)} ${s.args.help[k] ?? ''}`);
        }
        return;
    }
    if (values.stages) {
        for (const s of specs) {
            const model = createModel(s.name);
            try {
                out(`${s.name}: first conv ${s.firstConv}, classifier ${s.classifier}`);
                if (!isStagedModel(model))
                    out('  declares no stages (tap modules by path)');
                else
                    model.featureInfo.forEach((f, i) => out(`  stage ${i + 1}  ${f.module.padEnd(42)} ${String(f.channels).padStart(5)} channels, stride ${f.reduction}`));
            }
            finally {
                model.dispose();
            }
        }
        return;
    }
    const families = [...new Set(specs.map((s) => s.family))].sort();
    for (const family of families) {
        out(`${family}:`);
        for (const s of specs.filter((x) => x.family === family)) {
            out(`  ${s.name.padEnd(18)} ${`${s.inputSize.join('x')}`.padEnd(10)} ${String(s.defaultNumClasses).padStart(4)} classes  ${s.description}`);
        }
    }
}
/**
 * The model a command's positional names: a checkpoint (its recorded model, form and input shape) or a
 * registry name built with --acb/--deploy/--num-classes/--in-channels/--input.
 */
//# sourceMappingURL=models.js.map