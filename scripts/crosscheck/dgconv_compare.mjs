// Compares leanconv's DGConv2d with the JSON written by dgconv_official.py (same gates, weights, input).
import * as lc from '../../dist/src/index.js';
import { readFileSync } from 'node:fs';
// usage: node scripts/crosscheck/dgconv_compare.mjs <out.json of dgconv_official.py> (after npx tsc -p .)
const ref = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
for (const sort of [false, true]) {
  const r = ref[sort ? "True" : "False"];
  const m = new lc.papers.dgconv.DGConv2d(16, 16, 3, { padding: 1, sort });
  lc.noGrad(() => {
    m.gate.copy_(lc.tensor([0.3, -0.2, 0.5, -0.9]));
    m.conv.weight.copy_(lc.tensor(r.weight).view([16, 16, 3, 3]));
    m.conv.bias.copy_(lc.tensor(r.bias));
  });
  const x = lc.tensor(r.x).view([2, 16, 5, 6]);
  const proj = lc.tensor(r.proj).view([2, 16, 5, 6]);
  const y = m.forward(x);
  const R = m.regularizer('connections');
  const loss = y.mul(proj).sum().add(R.mul(0.001));
  loss.backward();
  console.log(`sort=${sort}: max|y diff| ${maxDiff([...y.data()], r.y).toExponential(2)}, R ${R.item()} vs ${r.R}, max|gate grad diff| ${maxDiff([...m.gate.grad.data()], r.gate_grad).toExponential(2)} (|grad| up to ${Math.max(...r.gate_grad.map(Math.abs)).toFixed(2)}), max|weight grad diff| ${maxDiff([...m.conv.weight.grad.data()], r.weight_grad).toExponential(2)}`);
}
