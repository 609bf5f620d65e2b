import { toBase64 } from './base64.js';
import { type ColormapName, colormapLut } from './colormap.js';

/** An encoded image to inline in a report. */
export interface ReportImage {
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  data: Uint8Array;
}

/** One explanation of a report item: an overlay and what it explains. */
export interface ReportExplanation {
  /** What is explained, e.g. `281 tabby, tabby cat` (a class), a word, an answer. */
  title: string;
  image: ReportImage;
  /** The explained score (e.g. the class logit or probability the map was computed for). */
  score?: number;
  /** What `score` is, shown before it (default `score`; e.g. `logit`). */
  scoreName?: string;
  /** The class probability, when the task has one. */
  probability?: number;
}

/** One input of a report: its original, its explanations, or the error that stopped it. */
export interface ReportItem {
  /** Display name (e.g. the file name). */
  name: string;
  /** Original size, shown next to the name. */
  width?: number;
  height?: number;
  original?: ReportImage;
  /** The model's best guesses, shown as a line (e.g. the top-5 classes). */
  predictions?: Array<{ label: string; probability: number }>;
  explanations: ReportExplanation[];
  /** Why this input failed; shown instead of images. */
  error?: string;
}

/** What the report says about the run. */
export interface ReportOptions {
  /** Page title (default `gradcam report`). */
  title?: string;
  /** The model (name, path or URL). */
  model: string;
  /** The CAM method, e.g. `gradcam` or its title. */
  method: string;
  /** Target layer(s). */
  layer?: string | string[];
  /** Colormap of the overlays: a colour bar is drawn from it. */
  colormap?: ColormapName;
  /** Heatmap opacity of the overlays. */
  alpha?: number;
  /** Whether the maps are counterfactual (negated gradients). */
  counterfactual?: boolean;
  /** When the report was made (ISO text); omitted when absent, so output can be reproducible. */
  generated?: string;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function dataUri(image: ReportImage): string {
  return `data:${image.mime};base64,${toBase64(image.data)}`;
}

function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(3);
}

function colorBar(name: ColormapName): string {
  const lut = colormapLut(name);
  const stops = Array.from({ length: 17 }, (_, k) => {
    const i = Math.min(255, k * 16) * 3;
    return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]}) ${((k * 100) / 16).toFixed(2)}%`;
  });
  return `<span class="bar" title="${name}: 0 (left) to 1 (right)" style="background:linear-gradient(to right,${stops.join(',')})"></span>`;
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1c1e21}
header{background:#fff;border-bottom:1px solid #dde;padding:16px 24px}
h1{font-size:22px;margin:0 0 6px}
.meta{color:#444;margin:0}.meta code{background:#eef;padding:1px 4px;border-radius:3px}
.bar{display:inline-block;width:140px;height:12px;vertical-align:middle;border:1px solid #999;margin:0 6px}
main{padding:8px 24px 24px}
section{background:#fff;border:1px solid #dde;border-radius:8px;margin:16px 0;padding:12px 16px}
h2{font-size:17px;margin:0 0 4px;word-break:break-all}h2 .dim{color:#777;font-weight:normal;font-size:14px}
.preds{color:#444;margin:0 0 10px;font-size:14px}
.row{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px;align-items:start}
figure{margin:0}figure img{display:block;width:100%;height:auto;border-radius:4px;border:1px solid #ccd}
figcaption{font-size:14px;margin-top:4px}figcaption .num{color:#555}
.error{color:#b00020;font-family:ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap}
footer{color:#777;font-size:13px;padding:0 24px 24px}
`;

/**
 * Renders a self-contained HTML report (images inlined as data URIs, no scripts, no external resources) that
 * opens from disk in any browser: per input its name and size, the original, one figure per explanation with
 * its score and probability, or its error; the model, method, layer and colormap at the top.
 * @returns the HTML text (UTF-8).
 */
export function renderReport(items: ReportItem[], options: ReportOptions): string {
  const e = escapeHtml;
  const layers = options.layer === undefined ? [] : Array.isArray(options.layer) ? options.layer : [options.layer];
  const meta = [
    `model <code>${e(options.model)}</code>`,
    `method <b>${e(options.method)}</b>${options.counterfactual ? ' (counterfactual)' : ''}`,
    ...(layers.length ? [`layer ${layers.map((l) => `<code>${e(l)}</code>`).join(', ')}`] : []),
    ...(options.colormap ? [`colormap ${e(options.colormap)}${colorBar(options.colormap)}`] : []),
    ...(options.alpha !== undefined ? [`opacity ${options.alpha}`] : []),
  ].join(' · ');
  const sections = items.map((item) => {
    const size = item.width && item.height ? ` <span class="dim">${item.width}×${item.height}</span>` : '';
    const head = `<h2>${e(item.name)}${size}</h2>`;
    if (item.error !== undefined) return `<section class="failed">${head}<p class="error">${e(item.error)}</p></section>`;
    const preds = item.predictions?.length
      ? `<p class="preds">predictions: ${item.predictions.map((p) => `${e(p.label)} <span class="num">${num(p.probability)}</span>`).join(' · ')}</p>`
      : '';
    const figures = [
      ...(item.original ? [`<figure><img src="${dataUri(item.original)}" alt="${e(item.name)}"><figcaption>original</figcaption></figure>`] : []),
      ...item.explanations.map((x) => {
        const nums = [
          ...(x.probability !== undefined ? [`p = ${num(x.probability)}`] : []),
          ...(x.score !== undefined ? [`${e(x.scoreName ?? 'score')} ${num(x.score)}`] : []),
        ].join(' · ');
        return `<figure><img src="${dataUri(x.image)}" alt="${e(`${item.name}: ${x.title}`)}"><figcaption><b>${e(x.title)}</b>${nums ? `<br><span class="num">${nums}</span>` : ''}</figcaption></figure>`;
      }),
    ];
    return `<section>${head}${preds}<div class="row">${figures.join('')}</div></section>`;
  });
  const failed = items.filter((i) => i.error !== undefined).length;
  const count = items.reduce((s, i) => s + i.explanations.length, 0);
  const title = options.title ?? 'gradcam report';
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${e(title)}</title><style>${STYLE}</style></head><body>\n` +
    `<header><h1>${e(title)}</h1><p class="meta">${meta}</p></header>\n<main>\n${sections.join('\n')}\n</main>\n` +
    `<footer>${items.length} input${items.length === 1 ? '' : 's'}, ${count} explanation${count === 1 ? '' : 's'}` +
    `${failed ? `, ${failed} failed` : ''}${options.generated ? ` · ${e(options.generated)}` : ''} · made with gradcam</footer>\n</body></html>\n`
  );
}
