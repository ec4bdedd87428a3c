// `leanconv report`: an HTML page with SVG charts for one or more run directories (src/report).
import { join } from 'node:path';
import { writeReport } from '../report/index.js';
import { EvalSplitError } from '../train/eval-split.js';
import { num, parse, UsageError, usage } from './args.js';
import { HELP, out, printJson } from './common.js';
export async function cmdReport(argv) {
    const opts = {
        ...HELP, out: { type: 'string', short: 'o' }, 'data-dir': { type: 'string' }, misclassified: { type: 'string' },
        'curves-only': { type: 'boolean' }, json: { type: 'boolean' },
    };
    const { values, positionals } = parse(argv, opts, 'report');
    if (values.help || positionals.length === 0) {
        return usage(values.help, `usage: leanconv report <run-dir> [<run-dir> ...] [--out DIR] [--data-dir DIR] [--misclassified N] [--curves-only] [--json]

Writes DIR/index.html (default: <first run>/report) with SVG charts: loss, top-1 accuracy and learning
rate per epoch, the runs overlaid (baseline vs ACNet, say). The first run's checkpoint (best, else last)
is then evaluated on its test split: confusion matrix, per-class accuracy, and the first N misclassified
test images (default 40) with predicted and true labels. --curves-only skips the evaluation.`);
    }
    const outDir = values.out ?? join(positionals[0], 'report');
    let r;
    try {
        r = await writeReport(positionals, {
            outDir, dataDir: values['data-dir'], misclassified: num(values, 'misclassified', { integer: true, min: 0 }), curvesOnly: values['curves-only'] === true,
        });
    }
    catch (err) {
        if (err instanceof EvalSplitError && err.missing === 'dataDir')
            throw new UsageError(`${err.message}; pass --data-dir`);
        throw err;
    }
    if (values.json)
        return printJson(r);
    const ev = r.evaluation ? `; ${r.evaluation.run}: top-1 ${(100 * r.evaluation.top1).toFixed(2)}%, ${r.evaluation.misclassified} misclassified` : '';
    out(`wrote ${r.html} (${r.files.length} files)${ev}`);
}
//# sourceMappingURL=report.js.map