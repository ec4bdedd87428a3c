// Reads the native addon's sources and finds, for every exported function, the kind of each positional argument
// (from the argument accessors its body calls: T(info, 0) is a tensor, OptI(info, 2) an optional integer, ...) and
// the kind of what it returns. test/native-boundary.test.ts checks src/engine/native-ops.ts against it;
// `node dist/scripts/native-ops/generate.js` prints a table to start from when ops are added.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ParsedOp {
  name: string;
  file: string;
  /** The kind of each argument by position ('tensor', 'int?', 'tensor|scalar', ...); 'unknown' when no known accessor reads it. */
  args: string[];
  /** 'tensor', 'tensors', 'void', or 'value' (anything else: numbers, arrays, objects). */
  returns: string;
}

/**
 * The argument accessors (common.h's, and the file-local Format and Reducer) and the kind of the argument each reads;
 * a trailing '?' means null or undefined is accepted.
 */
const ACCESSORS: Record<string, string> = {
  T: 'tensor', OptT: 'tensor?', TList: 'tensors', I: 'int', OptI: 'int?', D: 'float', OptD: 'float?', B: 'bool?', IList: 'ints',
  S: 'scalar', DType: 'dtype', OptDType: 'dtype?', Dev: 'device?', Str: 'string', Format: 'bool?', Reducer: 'int',
};
/** File-local helpers that read several arguments from a first index. */
const HELPERS: Record<string, [offset: number, kind: string][]> = {
  Options: [[0, 'dtype?'], [1, 'device?']],
  Finish: [[0, 'bool?']],
};
/** Napi casts and checks on info[i]. */
const CASTS: [RegExp, string][] = [
  [/^As<Napi::Function>/, 'function'], [/^As<Napi::Array>/, 'array'], [/^As<Napi::Object>/, 'object'],
  [/^As<Napi::(TypedArray|DataView|Buffer)/, 'bytes'], [/^IsTypedArray/, 'bytes'], [/^As<Napi::String>/, 'string'],
  [/^As<Napi::Number>/, 'number'], [/^As<Napi::BigInt>/, 'number'], [/^IsNumber/, 'number'], [/^IsArray/, 'ints'],
];

function bodyAt(source: string, open: number): string {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces at ${open}`);
}

function argumentKinds(body: string): string[] {
  const seen = new Map<number, Set<string>>();
  const optional = new Set<number>();
  const add = (i: number, kind: string): void => {
    if (kind.endsWith('?')) optional.add(i);
    const set = seen.get(i) ?? new Set<string>();
    set.add(kind.replace(/\?$/, ''));
    seen.set(i, set);
  };
  for (const m of body.matchAll(/\b([A-Z][A-Za-z]*)\(info, (\d+)\)/g)) {
    const [, fn, index] = m;
    if (fn === 'IsMissing') optional.add(Number(index));
    else if (fn === 'IsTensor') add(Number(index), 'tensor');
    else if (ACCESSORS[fn!] !== undefined) add(Number(index), ACCESSORS[fn!]!);
  }
  for (const m of body.matchAll(new RegExp(`\\b(${Object.keys(HELPERS).join('|')})\\(info, `, 'g'))) {
    // The helper's last argument is the index of its first argument (the nested calls before it hold parentheses).
    let depth = 1;
    let end = m.index! + m[0].length;
    for (; depth > 0 && end < body.length; end++) depth += body[end] === '(' ? 1 : body[end] === ')' ? -1 : 0;
    const first = Number(/(\d+)\)$/.exec(body.slice(m.index!, end))?.[1]);
    for (const [offset, kind] of HELPERS[m[1]!]!) add(first + offset, kind);
  }
  for (const m of body.matchAll(/HandleOf\(info\[(\d+)\]\)/g)) add(Number(m[1]), 'tensor');
  for (const m of body.matchAll(/info\[(\d+)\]\.(\w+(?:<[\w:<>]+>)?)/g)) {
    const cast = CASTS.find(([re]) => re.test(m[2]!));
    if (cast) add(Number(m[1]), cast[1]);
    if (m[2] === 'IsExternal') add(Number(m[1]), 'tensor');
  }
  const count = seen.size === 0 && optional.size === 0 ? 0 : Math.max(...seen.keys(), ...optional) + 1;
  return Array.from({ length: count }, (_, i) => {
    const kinds = seen.get(i);
    if (kinds === undefined) return optional.has(i) ? 'unknown?' : 'unknown';
    const order = ['tensor', 'tensors', 'int', 'ints', 'float', 'scalar', 'number', 'bool', 'string', 'dtype', 'device', 'function', 'array', 'object', 'bytes'];
    const union = [...kinds].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join('|');
    return optional.has(i) ? `${union}?` : union;
  });
}

function returnKind(body: string): string {
  const wraps = /LC_RET\(|return Wrap\(|Finish\(/.test(body);
  const lists = /WrapList\(/.test(body);
  const inplace = /LC_INPLACE\(|return (info\.Env\(\)|env)\.Undefined\(\)/.test(body);
  const other = /return (?!Wrap\(|WrapList\(|Finish\(|info\.Env\(\)\.Undefined\(\)|env\.Undefined\(\))[^;]+;/.test(body.replace(/\[[&=]?\]\([^)]*\)[^{]*\{[^}]*\}/g, ''));
  if (lists && !wraps && !other) return 'tensors';
  if (wraps && !lists && !inplace && !other) return 'tensor';
  if (inplace && !wraps && !lists && !other) return 'void';
  return 'value';
}

/** Every op the addon's sources export with LC_EXPORT, with its argument and return kinds. */
export function parseNativeOps(sourceDir: string): ParsedOp[] {
  const files = readdirSync(sourceDir).filter((f) => f.endsWith('.cc'));
  const bodies = new Map<string, { file: string; body: string }>();
  const exported: string[] = [];
  for (const file of files) {
    const source = readFileSync(join(sourceDir, file), 'utf8');
    const macros = new Map<string, string>();
    for (const m of source.matchAll(/#define (LC_\w+)\(name, [^)]*\)((?:.*\\\n)*.*)/g)) macros.set(m[1]!, m[2]!);
    for (const m of source.matchAll(/^LC_OP\((\w+)\)\s*\{/gm)) bodies.set(m[1]!, { file, body: bodyAt(source, m.index! + m[0].length - 1) });
    for (const m of source.matchAll(/^static Napi::Value (\w+)\(const Napi::CallbackInfo& info\)\s*\{/gm)) {
      bodies.set(m[1]!, { file, body: bodyAt(source, m.index! + m[0].length - 1) });
    }
    for (const [macro, body] of macros) {
      for (const m of source.matchAll(new RegExp(`^${macro}\\((\\w+),`, 'gm'))) bodies.set(m[1]!, { file, body });
    }
    for (const m of source.matchAll(/LC_EXPORT\(exports, (\w+)\)/g)) exported.push(m[1]!);
  }
  return exported.map((name) => {
    const found = bodies.get(name);
    if (found === undefined) return { name, file: '(no body found)', args: ['unknown'], returns: 'value' };
    return { name, file: found.file, args: argumentKinds(found.body), returns: returnKind(found.body) };
  });
}
