// The HTML report of a network dissection, as NetDissect-Lite writes one: the layer's summary, a bar chart of the
// detectors per concept category (drawn as SVG and rendered to PNG by sharp, so it can be looked at outside a
// browser too), and every unit sorted by IoU with its concept and the strip of its top images (unit_NNNN.png).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../util/fs.js';
const escape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Detectors (units with IoU over the threshold) per category, and distinct concepts among them. */
export function detectorsByCategory(result) {
    const categories = [...new Set([...Object.keys(result.uniqueDetectors), ...result.results.filter((r) => r.detector).map((r) => r.category)])].sort();
    return categories.map((category) => ({
        category,
        detectors: result.results.filter((r) => r.detector && r.category === category).length,
        unique: result.uniqueDetectors[category] ?? 0,
    }));
}
/** An SVG bar chart of the detectors per category (NetDissect-Lite's summary chart). */
export function detectorChartSvg(result) {
    const rows = detectorsByCategory(result);
    const [width, barHeight, left, top] = [640, 28, 110, 40];
    const height = top + Math.max(1, rows.length) * (barHeight + 8) + 30;
    const max = Math.max(1, ...rows.map((r) => r.detectors));
    const colors = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948'];
    const bars = rows.map((r, i) => {
        const y = top + i * (barHeight + 8);
        const w = ((width - left - 140) * r.detectors) / max;
        return `<text x="${left - 8}" y="${y + barHeight * 0.7}" text-anchor="end" font-size="14">${escape(r.category)}</text>` +
            `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${colors[i % colors.length]}"/>` +
            `<text x="${(left + w + 6).toFixed(1)}" y="${y + barHeight * 0.7}" font-size="13">${r.detectors} (${r.unique} unique)</text>`;
    }).join('');
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">` +
        `<rect width="100%" height="100%" fill="white"/>` +
        `<text x="${left}" y="24" font-size="15" font-weight="bold">${escape(result.layer)}: ${result.detectors} detectors of ${result.units} units</text>${bars}</svg>`;
}
/**
 * Writes index.html and detectors.svg / detectors.png into `outDir` (where the unit_NNNN.png strips are, if they were
 * written). `title` names the model and checkpoint.
 */
export async function writeDissectReport(outDir, result, title) {
    const svg = detectorChartSvg(result);
    writeFileAtomic(join(outDir, 'detectors.svg'), svg);
    const chart = join(outDir, 'detectors.png');
    writeFileAtomic(chart, await sharp(Buffer.from(svg)).png().toBuffer());
    const units = result.results.map((r) => {
        const strip = `unit_${String(r.unit).padStart(4, '0')}.png`;
        const image = existsSync(join(outDir, strip)) ? `<img src="${strip}" alt="top images of unit ${r.unit}" loading="lazy">` : '';
        return `<tr class="${r.detector ? 'detector' : ''}"><td>${r.unit}</td><td>${escape(r.category || '-')}</td><td>${escape(r.label || '-')}</td>` +
            `<td>${r.iou.toFixed(4)}</td><td>${image}</td></tr>`;
    }).join('\n');
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dissection of ${escape(title)} ${escape(result.layer)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}
tr.detector td:nth-child(3){font-weight:bold}img{height:72px}</style></head>
<body>
<h1>${escape(title)}: ${escape(result.layer)}</h1>
<p>${result.units} units, ${result.mapSize.join('x')} maps, ${result.images} images; a unit is a detector when its IoU with its best concept is at least
${result.iouThreshold} (activation threshold: the top ${(100 * result.quantile).toFixed(2)}% of its activations).</p>
<p><img src="detectors.png" alt="detectors per category" style="height:auto"></p>
<table><thead><tr><th>unit</th><th>category</th><th>concept</th><th>IoU</th><th>top images</th></tr></thead>
<tbody>
${units}
</tbody></table>
</body></html>
`;
    const path = join(outDir, 'index.html');
    writeFileAtomic(path, html);
    return { html: path, chart };
}
//# sourceMappingURL=dissect-report.js.map