// The report's charts as Vega-Lite specifications, rendered to SVG in Node by Vega (no browser, no canvas).
import * as vega from 'vega';
import { compile } from 'vega-lite';
/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    try {
        return await view.toSVG();
    }
    finally {
        view.finalize();
    }
}
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
// Vega-Lite gives a line chart's strokeDash legend a transparent stroke when colour encodes another field, so
// its samples vanish; Vega's legend `encode` block (passed through by Vega-Lite, though its types leave it out)
// draws them.
const SPLIT_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, encode: { symbols: { update: { stroke: { value: '#555' } } } } };
/** One line per run (and per split, dashed for train): a metric against the epoch. */
export function curveSpec(title, yTitle, points, options = {}) {
    return {
        $schema: SCHEMA, title, width: 420, height: 240, data: { values: points },
        mark: { type: 'line', point: true },
        encoding: {
            // Whole epochs only (a one-epoch run would otherwise get a tick labelled 1.000000).
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
            y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false, ...(options.logScale ? { type: 'log' } : {}) }, ...(options.percent ? { axis: { format: '.0%' } } : {}) },
            color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 320 } },
            ...(points.some((p) => p.split !== undefined) ? { strokeDash: { field: 'split', type: 'nominal', title: 'split', sort: ['test', 'train'], legend: SPLIT_LEGEND } } : {}),
            tooltip: [{ field: 'run' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
        },
    };
}
/** Confusion matrix as a heat map with counts, true classes down, predicted across. */
export function confusionSpec(title, classes, matrix) {
    // The text is white on the darker half of the colour scale (the symlog scale of the largest count), whatever the cell.
    const largest = Math.max(1, ...matrix.flat());
    const symlog = (v) => Math.sign(v) * Math.log1p(Math.abs(v));
    const values = matrix.flatMap((row, t) => row.map((count, p) => ({ actual: classes[t], predicted: classes[p], count, dark: symlog(count) > 0.5 * symlog(largest) })));
    const order = { sort: classes };
    return {
        $schema: SCHEMA, title, width: 34 * classes.length, height: 34 * classes.length, data: { values },
        encoding: {
            x: { field: 'predicted', type: 'ordinal', ...order, title: 'predicted class' },
            y: { field: 'actual', type: 'ordinal', ...order, title: 'true class' },
        },
        layer: [
            { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { type: 'symlog', scheme: 'blues' }, legend: null } } },
            { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' } } },
        ],
    };
}
/** Per-class accuracy as horizontal bars. */
export function perClassSpec(title, classes, accuracy) {
    return {
        $schema: SCHEMA, title, width: 360, height: 20 * classes.length, data: { values: classes.map((c, i) => ({ class: c, accuracy: accuracy[i] })) },
        mark: 'bar',
        encoding: {
            y: { field: 'class', type: 'nominal', sort: classes, title: null },
            x: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%' }, title: 'test accuracy' },
            tooltip: [{ field: 'class' }, { field: 'accuracy', format: '.2%' }],
        },
    };
}
//# sourceMappingURL=charts.js.map