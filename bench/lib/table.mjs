/** Markdown tables, printed to the console as they are and embedded in BENCHMARKS.md. */

/** `{title, columns, rows}` → Markdown (title as a bold line above the table). */
export function markdownTable({ title, columns, rows }) {
  const esc = (c) => String(c ?? '').replaceAll('|', '\\|');
  const lines = [];
  if (title) lines.push(`**${title}**`, '');
  lines.push(`| ${columns.map(esc).join(' | ')} |`);
  lines.push(`| ${columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

/** Prints a table to stdout with a blank line around it. */
export function printTable(t) {
  console.log(`\n${markdownTable(t)}\n`);
}
