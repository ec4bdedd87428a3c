// Number and word formatting shared by the log lines, progress bar and command output.

/** "1 epoch", "2 epochs". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** A learning rate or similar, readable at any magnitude: 0.1, 0.0123, 1.13e-6, 5.00e+28. */
export function formatSmall(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** JSON.stringify replacer: non-integer numbers rounded to 6 significant digits. */
export function roundNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
}

/** 'a', 'a or b', 'a, b or c' (with `and` for 'and'). */
export function listPhrase(items: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
