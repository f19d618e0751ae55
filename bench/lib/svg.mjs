/**
 * A tiny SVG line-chart writer (no dependencies): one chart, several named series of [x, y]
 * points, linear or log axes, a legend. Enough for "deliveries/s vs N" and "latency vs load".
 */
const COLORS = ['#d9480f', '#1971c2', '#2f9e44', '#7048e8', '#e8590c', '#0c8599'];
const W = 640;
const H = 360;
const M = { left: 70, right: 20, top: 40, bottom: 50 };

function ticks(min, max, log) {
  if (log) {
    const out = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => span / s <= 6) ?? step * 10;
  const out = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9; v += nice) out.push(v);
  return out;
}

function label(v) {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/**
 * `{title, xLabel, yLabel, series: [{name, points}], logX?, logY?}` → SVG text.
 * Non-finite points are skipped.
 */
export function lineChart({ title, xLabel, yLabel, series, logX = false, logY = false }) {
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [logY ? Math.min(...ys) : 0, Math.max(...ys)];
  if (!pts.length) [x0, x1, y0, y1] = [0, 1, logY ? 1 : 0, 1];
  if (x0 === x1) x1 = x0 + 1;
  if (y0 === y1) y1 = y0 + 1;
  if (logY) [y0, y1] = [10 ** Math.floor(Math.log10(y0)), 10 ** Math.ceil(Math.log10(y1))];
  else y1 *= 1.1;
  const f = (v, a, b, log) => (log ? (Math.log10(v) - Math.log10(a)) / (Math.log10(b) - Math.log10(a)) : (v - a) / (b - a));
  const px = (x) => M.left + f(x, x0, x1, logX) * (W - M.left - M.right);
  const py = (y) => H - M.bottom - f(y, y0, y1, logY) * (H - M.top - M.bottom);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`];
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (const t of ticks(y0, y1, logY)) {
    if (t < y0 || t > y1) continue;
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${py(t)}" y2="${py(t)}" stroke="#e9ecef"/>`);
    out.push(`<text x="${M.left - 6}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  const xt = logX ? ticks(x0, x1, true) : [...new Set(xs)].sort((a, b) => a - b);
  for (const t of xt) {
    if (t < x0 || t > x1) continue;
    out.push(`<text x="${px(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#495057"/>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#495057"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const p = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));
    if (p.length) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of p) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<rect x="${M.left + 10}" y="${M.top + 4 + i * 16}" width="12" height="3" fill="${color}"/>`);
    out.push(`<text x="${M.left + 28}" y="${M.top + 9 + i * 16}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
