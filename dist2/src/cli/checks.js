// `leanconv checks`: how the engine was built and what it runs on.
import { buildInfo } from '../engine/runtime.js';
import { parse } from './args.js';
import { HELP, out, printJson } from './common.js';
export function cmdChecks(argv) {
    const { values } = parse(argv, { ...HELP, json: { type: 'boolean' } }, 'checks');
    if (values.help)
        return out('usage: leanconv checks [--json]\n\nPrints how the engine was built and what it runs on.');
    const info = buildInfo();
    if (values.json)
        return printJson(info);
    for (const [k, v] of Object.entries(info))
        out(`${k.padEnd(16)} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
}
//# sourceMappingURL=checks.js.map