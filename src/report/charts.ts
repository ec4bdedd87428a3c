// The report's charts as Vega-Lite specifications, rendered to SVG in Node by Vega (no browser, no canvas).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface EpochPoint {
  run: string;
  epoch: number;
  /** 'train' or 'test' for loss and accuracy curves. */
  split?: string;
  value: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One line per run (and per split, dashed for train): a metric against the epoch. */
export function curveSpec(title: string, yTitle: string, points: EpochPoint[], options: { percent?: boolean; logScale?: boolean } = {}): TopLevelSpec {
  return {
    $schema: SCHEMA, title, width: 420, height: 240, data: { values: points as unknown as Record<string, unknown>[] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false, ...(options.logScale ? { type: 'log' } : {}) }, ...(options.percent ? { axis: { format: '.0%' } } : {}) },
      color: { field: 'run', type: 'nominal', title: 'run', legend: { labelLimit: 320 } },
      ...(points.some((p) => p.split !== undefined) ? { strokeDash: { field: 'split', type: 'nominal', title: 'split', sort: ['test', 'train'], legend: { symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 2 } } } : {}),
      tooltip: [{ field: 'run' }, { field: 'split' }, { field: 'epoch' }, { field: 'value', format: '.4f' }],
    },
  };
}

/** Confusion matrix as a heat map with counts, true classes down, predicted across. */
export function confusionSpec(title: string, classes: string[], matrix: number[][]): TopLevelSpec {
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ actual: classes[t], predicted: classes[p], count, diagonal: t === p })));
  const order = { sort: classes };
  return {
    $schema: SCHEMA, title, width: 34 * classes.length, height: 34 * classes.length, data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', ...order, title: 'predicted class' },
      y: { field: 'actual', type: 'ordinal', ...order, title: 'true class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { type: 'symlog', scheme: 'blues' }, legend: null } } },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'count', type: 'quantitative' }, color: { condition: { test: 'datum.diagonal', value: 'white' }, value: 'black' } } },
    ],
  };
}

/** Per-class accuracy as horizontal bars. */
export function perClassSpec(title: string, classes: string[], accuracy: number[]): TopLevelSpec {
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
