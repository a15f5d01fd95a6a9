// Small hand-drawn SVG charts (no chart library): a time line chart and a grouped bar chart. Colours are
// set by CSS classes (series-consumption, …) so they follow the page's palette; every line also has its own
// dash pattern, so the series stay apart without colour.

const NS = 'http://www.w3.org/2000/svg';
const PAD = { left: 60, right: 10, top: 10, bottom: 24 };

/** @typedef {{ width: number, height: number }} Size in px */

/**
 * The drawing is made at the size it is shown (the width of `slot`), so its text stays at 12 px on a phone
 * and on a desktop; the SVG still scales if the window is resized later.
 * @param {Element} slot
 * @returns {Size}
 */
export function sizeFor(slot, height = 200) {
  const width = Math.round(Math.max(280, Math.min(1100, slot.clientWidth - 2)));
  return { width, height };
}

/**
 * @param {string} name
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** @param {string} label @param {Size} size */
function svgRoot(label, { width: W, height: H }) {
  return el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' });
}

/** @param {number} v */
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

/**
 * Draws the value axis from `min` to `max`, and the time axis's first and last label if given.
 * @param {SVGElement} svg
 * @param {Size} size
 * @param {number} min
 * @param {number} max
 * @param {(v: number) => string} format
 * @param {[string, string]} [xLabels]
 * @returns {(v: number) => number} the y coordinate of a value
 */
function axes(svg, { width: W, height: H }, min, max, format, xLabels) {
  const y = (/** @type {number} */ v) => PAD.top + ((max - v) / (max - min || 1)) * (H - PAD.top - PAD.bottom);
  for (const v of [min, (min + max) / 2, max, ...(min < 0 && max > 0 ? [0] : [])]) {
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: v === 0 ? 'zero' : 'grid' }));
    svg.append(el('text', { x: PAD.left - 4, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, format(v)));
  }
  if (xLabels) {
    svg.append(el('text', { x: PAD.left, y: H - 6, class: 'tick' }, xLabels[0]));
    svg.append(el('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, xLabels[1]));
  }
  return y;
}

/**
 * @param {string} label accessible name
 * @param {Array<{ name: string, points: Array<[number, number]> }>} series name = consumption|production|grid
 * @param {(v: number) => string} format for the value axis
 * @param {(t: number) => string} formatX for the time axis
 * @param {{ width: number, height: number, from?: number, to?: number, gapMs?: number }} size, the time
 *   span shown (default: that of the data), and the gap between points past which the line is broken
 */
export function lineChart(label, series, format, formatX, size) {
  const { width: W, height: H } = size;
  const svg = svgRoot(label, size);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, class: 'empty', 'text-anchor': 'middle' }, 'no data yet'));
    return svg;
  }
  const t0 = size.from ?? Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(size.to ?? Math.max(...all.map((p) => p[0])), t0 + 1);
  const lo = Math.min(0, ...all.map((p) => p[1]));
  const hi = Math.max(0, ...all.map((p) => p[1]));
  const max = niceMax(hi);
  const min = lo < 0 ? -niceMax(-lo) : 0;
  const y = axes(svg, size, min, max, format, [formatX(t0), formatX(t1)]);
  const x = (/** @type {number} */ t) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  for (const s of series) {
    const last = s.points.at(-1);
    if (last === undefined) continue;
    const gap = size.gapMs ?? Number.POSITIVE_INFINITY;
    const d = s.points
      .map(([t, v], i) => {
        const before = s.points[i - 1];
        return `${before !== undefined && t - before[0] <= gap ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      })
      .join('');
    svg.append(el('path', { d, class: `line series-${s.name}` }));
    svg.append(el('circle', { cx: x(last[0]), cy: y(last[1]), r: 3.5, class: `dot series-${s.name}` }));
  }
  return svg;
}

/**
 * @param {string} label
 * @param {Array<{ name: string, values: number[] }>} series one value per category
 * @param {string[]} categories
 * @param {(v: number) => string} format
 * @param {{ width: number, height: number }} size
 */
export function barChart(label, series, categories, format, size) {
  const { width: W, height: H } = size;
  const svg = svgRoot(label, size);
  if (categories.length === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, class: 'empty', 'text-anchor': 'middle' }, 'no data yet'));
    return svg;
  }
  const values = series.flatMap((s) => s.values);
  const max = niceMax(Math.max(0, ...values));
  const min = Math.min(0, ...values) < 0 ? -niceMax(-Math.min(...values)) : 0;
  const y = axes(svg, size, min, max, format);
  const slot = (W - PAD.left - PAD.right) / categories.length;
  const bar = Math.min((slot * 0.8) / series.length, 40);
  categories.forEach((c, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const x = PAD.left + (i + 0.5) * slot + (j - series.length / 2) * bar;
      const top = Math.min(y(v), y(0));
      svg.append(el('rect', { x, y: top, width: bar, height: Math.abs(y(v) - y(0)), class: `bar series-${s.name}` }));
    });
    svg.append(el('text', { x: PAD.left + (i + 0.5) * slot, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, c));
  });
  return svg;
}
