// Concept datasets in Broden's layout (Bau et al., Network Dissection), read as NetDissect-Lite reads
// them: index.csv lists every image with its segmentation size and, per category, either mask files
// (pixel labels encoded as R + 256·G) or whole-image label numbers; category.csv names the categories;
// label.csv names the labels; c_<category>.csv gives each label's coverage in a category, which decides
// its primary category (the one with the largest coverage). Files live under <dir>/images/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from './datasets.js';
/** Parses CSV with a header row (RFC 4180 quoting) into records keyed by the header's names. */
export function parseCsv(text, file = 'csv') {
    const rows = [];
    let row = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
            if (ch === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            }
            else if (ch === '"')
                quoted = false;
            else
                field += ch;
        }
        else if (ch === '"')
            quoted = true;
        else if (ch === ',') {
            row.push(field);
            field = '';
        }
        else if (ch === '\n' || ch === '\r') {
            if (ch === '\r' && text[i + 1] === '\n')
                i++;
            row.push(field);
            field = '';
            if (row.length > 1 || row[0] !== '')
                rows.push(row);
            row = [];
        }
        else
            field += ch;
    }
    if (quoted)
        throw new DatasetError(file, 'unterminated quoted field');
    if (field !== '' || row.length)
        rows.push([...row, field]);
    const [header, ...body] = rows;
    if (header === undefined)
        throw new DatasetError(file, 'empty file (expected a header row)');
    return body.map((cells, r) => {
        if (cells.length !== header.length)
            throw new DatasetError(file, `row ${r + 2} has ${cells.length} fields, the header ${header.length}`);
        return Object.fromEntries(header.map((h, k) => [h, cells[k]]));
    });
}
function readCsv(dir, name, required) {
    const file = join(dir, name);
    if (!existsSync(file))
        throw new DatasetError(file, `missing (a Broden-layout concept dataset has index.csv, category.csv, label.csv and images/)`);
    const records = parseCsv(readFileSync(file, 'utf8'), file);
    for (const column of required) {
        if (records.length && !(column in records[0]))
            throw new DatasetError(file, `no '${column}' column`);
    }
    return records;
}
const int = (value, file, what) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0)
        throw new DatasetError(file, `${what} must be a non-negative integer, got '${value}'`);
    return n;
};
/** Reads a concept dataset; `categories` keeps only those (default: all in category.csv). */
export function loadConceptDataset(dir, options = {}) {
    if (!existsSync(dir))
        throw new DatasetError(dir, 'concept dataset directory does not exist');
    const allCategories = readCsv(dir, 'category.csv', ['name']).map((r) => r.name);
    for (const c of options.categories ?? []) {
        if (!allCategories.includes(c))
            throw new DatasetError(join(dir, 'category.csv'), `no category '${c}' (it has: ${allCategories.join(', ')})`);
    }
    const categories = options.categories ? allCategories.filter((c) => options.categories.includes(c)) : allCategories;
    const labelFile = join(dir, 'label.csv');
    const labelRows = readCsv(dir, 'label.csv', ['number', 'name']);
    const count = Math.max(0, ...labelRows.map((r) => int(r.number, labelFile, 'label number'))) + 1;
    const labels = Array.from({ length: count }, (_, number) => ({ number, name: number === 0 ? '-' : `#${number}`, category: '' }));
    // Coverage per category from c_<category>.csv; label.csv's "category" column ("object(12);part(3)") otherwise.
    const coverage = new Map();
    for (const row of labelRows) {
        const number = Number(row.number);
        labels[number].name = row.name;
        const counts = new Map();
        for (const part of (row.category ?? '').split(';')) {
            const m = /^\s*([^()]+?)\s*(?:\((\d+(?:\.\d+)?)\))?\s*$/.exec(part);
            if (m && categories.includes(m[1]))
                counts.set(m[1], Number(m[2] ?? 0));
        }
        coverage.set(number, counts);
    }
    for (const category of categories) {
        const path = join(dir, `c_${category}.csv`);
        if (!existsSync(path))
            continue;
        for (const row of readCsv(dir, `c_${category}.csv`, ['number', 'coverage'])) {
            const number = int(row.number, path, 'label number');
            if (!coverage.has(number))
                coverage.set(number, new Map());
            coverage.get(number).set(category, Number(row.coverage));
        }
    }
    for (const [number, counts] of coverage) {
        let best = '';
        let bestValue = -Infinity;
        for (const c of categories) {
            const v = counts.get(c);
            if (v !== undefined && v > bestValue)
                [best, bestValue] = [c, v];
        }
        if (labels[number])
            labels[number].category = best;
    }
    const indexFile = join(dir, 'index.csv');
    const images = readCsv(dir, 'index.csv', ['image', 'sh', 'sw']).map((row, r) => {
        const annotations = new Map();
        for (const category of categories) {
            const cell = row[category] ?? '';
            const masks = [];
            const scalars = [];
            for (const entry of cell.split(';').map((e) => e.trim()).filter(Boolean)) {
                if (/^\d+$/.test(entry)) {
                    const label = Number(entry);
                    if (label >= labels.length)
                        throw new DatasetError(indexFile, `row ${r + 2}: label ${label} is not in label.csv`);
                    scalars.push(label);
                }
                else
                    masks.push(entry);
            }
            if (masks.length || scalars.length)
                annotations.set(category, { masks, scalars });
        }
        return { image: row.image, sh: int(row.sh, indexFile, 'sh'), sw: int(row.sw, indexFile, 'sw'), annotations };
    });
    if (images.length === 0)
        throw new DatasetError(indexFile, 'lists no images');
    return { dir, categories, labels, images };
}
//# sourceMappingURL=concepts.js.map