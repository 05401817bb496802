/**
 * Benchmark results: the row shape every suite returns, the stdout table, and the writer that keeps
 * a marked section of bench/README.md (`<!-- results:<suite> -->` ... `<!-- /results:<suite> -->`)
 * in step with the last full run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem, type as osType, release } from 'node:os';

export type RowStatus = 'measured' | 'not measured' | 'failed';

export interface BenchRow {
  /** Short id used by ratios, e.g. `a`, `a-ref`. */
  id: string;
  /** What ran, e.g. `embedded: StreamsApp filter+mapValues`. */
  label: string;
  status: RowStatus;
  /** Input records processed. */
  records: number;
  /** Start of the work until the last expected output record was visible. */
  wallMs?: number;
  /** Start of the work until the first output record was visible (startup: group join, warm-up). */
  firstOutputMs?: number;
  recordsPerSec?: number;
  /** This row's records/s over other rows' (its references), measured in the same run. */
  ratios?: Ratio[];
  /** The goal for this row, e.g. `≥ 1M rec/s` or `b/c ≥ 0.8`; with `met` once measured. */
  target?: { text: string; met?: boolean };
  /** Why a row was not measured or failed, or anything worth knowing about the figure. */
  note?: string;
}

export interface SuiteResult {
  suite: string;
  title: string;
  rows: BenchRow[];
  /** Facts about the run printed under the table (workload shape, brokers, ...). */
  facts: string[];
}

export interface Ratio {
  value: number;
  against: string;
}

/** `row` records/s over `reference` records/s, when both were measured. */
export function ratioOf(row: BenchRow, reference: BenchRow): Ratio | undefined {
  if (row.status !== 'measured' || reference.status !== 'measured') return undefined;
  if (!row.recordsPerSec || !reference.recordsPerSec) return undefined;
  return { value: row.recordsPerSec / reference.recordsPerSec, against: reference.id };
}

function fmtRate(r: number | undefined): string {
  if (r === undefined) return '—';
  if (r >= 1_000_000) return `${(r / 1_000_000).toFixed(2)}M`;
  if (r >= 1_000) return `${(r / 1_000).toFixed(1)}k`;
  return r.toFixed(0);
}

function fmtSeconds(ms: number | undefined): string {
  return ms === undefined ? '—' : (ms / 1000).toFixed(2);
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

function cells(row: BenchRow): string[] {
  const ratio = row.ratios?.length ? row.ratios.map((r) => `${r.value.toFixed(2)} (${row.id}/${r.against})`).join(', ') : '—';
  const target = row.target
    ? `${row.target.text}${row.target.met === undefined ? '' : row.target.met ? ' ✓' : ' ✗'}`
    : '';
  const rate = row.status === 'measured' ? fmtRate(row.recordsPerSec) : row.status.toUpperCase();
  return [row.id, row.label, fmtCount(row.records), fmtSeconds(row.wallMs), fmtSeconds(row.firstOutputMs), rate, ratio, target];
}

const HEADERS = ['row', 'what', 'N', 'wall s', 'first out s', 'records/s', 'ratio', 'target'];

export function formatTable(result: SuiteResult): string {
  const body = result.rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`${result.suite}: ${result.title}`, line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  for (const row of result.rows) if (row.note) out.push(`  ${row.id}: ${row.note}`);
  for (const fact of result.facts) out.push(`  ${fact}`);
  return out.join('\n');
}

export function formatMarkdown(result: SuiteResult): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const row of result.rows) out.push(`| ${cells(row).map(esc).join(' | ')} |`);
  const notes = result.rows.filter((r) => r.note).map((r) => `- \`${r.id}\`: ${r.note}`);
  return [...out, '', ...notes, ...result.facts.map((f) => `- ${f}`)].join('\n');
}

export function machineDescription(): string {
  const cpuList = cpus();
  const model = cpuList[0]?.model.trim() ?? 'unknown CPU';
  return `${cpuList.length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
}

/**
 * Replaces the marked results section of `readmePath` for this suite (or appends one if the
 * markers are missing). Everything outside the markers is left alone.
 */
export async function updateReadme(readmePath: string, result: SuiteResult, when: Date): Promise<void> {
  const begin = `<!-- results:${result.suite} -->`;
  const end = `<!-- /results:${result.suite} -->`;
  const section = [
    begin,
    `_Last run: ${when.toISOString().replace(/\.\d+Z$/, 'Z')} on ${machineDescription()}. Written by \`npm run bench\`; do not edit by hand._`,
    '',
    formatMarkdown(result),
    end,
  ].join('\n');
  let text: string;
  try {
    text = await readFile(readmePath, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n## ${result.suite}: ${result.title}\n\n${section}\n`;
  await writeFile(readmePath, next);
}
