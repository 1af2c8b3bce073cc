/** Rows, targets and the printed table. */

export interface Row {
  readonly metric: string;
  readonly unit: string;
  readonly session: number;
  readonly raw: number;
  readonly jsonrpc?: number | undefined;
  /** What the raw column holds when it is not a raw `ws` client (a pool's minimum, a baseline run). */
  readonly rawNote?: string | undefined;
  /** Whether a bigger figure is better (for the ratio's reading). */
  readonly higherIsBetter: boolean;
  /** Target, as text, and whether it is met; undefined for informational rows. */
  readonly target?: { readonly text: string; readonly met: boolean } | undefined;
}

function format(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'never';
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `ours / theirs`; NaN when either is not a finite figure (raw `ws` that never notices, a skipped row). */
export function ratio(ours: number, theirs: number): number {
  return Number.isFinite(ours) && Number.isFinite(theirs) ? ours / theirs : Number.NaN;
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['metric', 'deribit-session', 'raw ws', 'ratio', 'json-rpc-2.0', 'ratio', 'target'];
  const lines = rows.map((row) => [
    `${row.metric} (${row.unit})`,
    format(row.session),
    row.rawNote === undefined ? format(row.raw) : `${format(row.raw)} (${row.rawNote})`,
    formatRatio(ratio(row.session, row.raw)),
    row.jsonrpc === undefined ? '–' : format(row.jsonrpc),
    row.jsonrpc === undefined ? '–' : formatRatio(ratio(row.jsonrpc, row.raw)),
    row.target === undefined ? '(info)' : `${row.target.text} ${row.target.met ? 'met' : 'MISSED'}`,
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const render = (line: readonly string[]): string =>
    `| ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [render(header), rule, ...lines.map(render)].join('\n');
}
