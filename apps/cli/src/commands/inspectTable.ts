// `pare inspect` as text: a few short tables a person can scan, built from the pure model summary.
import Table from 'cli-table3';
import type { ModelSummary, ValueSummary } from '@pare/onnx';
import type { InspectReport } from './inspectReport';

// No colours and no box lines: the output is pasted into issues and READMEs, and stays narrow.
const STYLE = { head: [], border: [], 'padding-left': 0, 'padding-right': 0 };
const CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '  ', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};
const table = (head: string[] = [], colAligns: Array<'left' | 'right'> = []): Table.Table => new Table({ head, colAligns, style: STYLE, chars: CHARS });
const int = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

const shape = (v: ValueSummary): string => (v.shape ? `[${v.shape.join(', ')}]` : 'unknown rank');

export function inspectText(r: InspectReport): string {
  const s = r.summary;
  const sections = [overview(r), values('inputs', s.inputs), values('outputs', s.outputs), parameters(s), ops(s)];
  const warnings = [
    ...r.unknownFields.map((u) => `field ${u.fieldNumber} at ${u.path} is not in the ONNX schema this tool knows; it is not written back if the model is saved`),
    ...r.inexactIntegers.map((x) => `${x.path} = ${x.value} does not fit a JavaScript number exactly`),
  ];
  if (warnings.length) sections.push(`  warnings\n${warnings.map((w) => `  ! ${w}`).join('\n')}`);
  // cli-table3 pads every cell to its column width; trailing blanks only get in the way when pasted.
  return `${sections.join('\n\n').replace(/[ \t]+$/gm, '')}\n`;
}

function overview(r: InspectReport): string {
  const s = r.summary;
  const t = table();
  t.push(
    ['model', `${r.file} (${formatBytes(r.bytes)})`],
    ['sha256', r.sha256],
    ['IR version', String(s.irVersion ?? '–')],
    ...wrapList(s.opsets.map((o) => `${o.domain} ${o.version}`)).map((line, i) => [i === 0 ? 'opsets' : '', line || '–']),
    ['producer', s.producer ?? '–'],
    ['graph', `${s.graphName ?? '(unnamed)'}: ${int(s.nodeCount)} nodes, ${s.subgraphCount} subgraphs${s.functionCount ? `, ${s.functionCount} functions` : ''}`],
  );
  if (r.externalFiles.length) t.push(['external data', r.externalFiles.join(', ')]);
  for (const [k, v] of Object.entries(s.metadata)) t.push([`metadata ${k}`, v.length > 60 ? `${v.slice(0, 57)}...` : v]);
  return t.toString();
}

/** Join items with commas into lines of at most `width` characters (silero imports nine opsets). */
function wrapList(items: string[], width = 72): string[] {
  const lines: string[] = [''];
  for (const item of items) {
    const last = lines[lines.length - 1]!;
    if (last && last.length + item.length + 2 > width) {
      lines[lines.length - 1] = `${last},`;
      lines.push(item);
    }
    else lines[lines.length - 1] = last ? `${last}, ${item}` : item;
  }
  return lines;
}

function values(title: string, list: ValueSummary[]): string {
  const t = table([title, 'dtype', 'shape']);
  for (const v of list) t.push([v.name, v.dtype, shape(v)]);
  return t.toString();
}

function parameters(s: ModelSummary): string {
  const p = s.parameters;
  const t = table(['parameters', 'tensors', 'values', 'bytes'], ['left', 'right', 'right', 'right']);
  for (const d of p.byDtype) t.push([d.dtype, int(d.tensors), int(d.count), formatBytes(d.bytes)]);
  t.push(['total', int(p.tensors), int(p.count), formatBytes(p.bytes)]);
  const notes = [
    p.inConstantNodes ? `${int(p.inConstantNodes)} of the ${int(p.tensors)} tensors are held in Constant nodes` : '',
    `sparsity: ${(s.sparsity.fraction * 100).toFixed(2)}% zeros in float weights of rank ≥ 2 (${int(s.sparsity.zeros)} of ${int(s.sparsity.elements)})`,
  ].filter(Boolean);
  return `${t.toString()}\n${notes.map((n) => `  ${n}`).join('\n')}`;
}

/** Op counts in rows of three pairs, most frequent first: real models have 20+ op types. */
function ops(s: ModelSummary): string {
  const entries = Object.entries(s.opCounts);
  const perRow = 3;
  const columns = Math.min(perRow, entries.length) * 2;
  const t = table(
    Array.from({ length: columns }, (_, i) => (i === 0 ? `ops (${entries.length} kinds)` : i % 2 ? '' : '')),
    Array.from({ length: columns }, (_, i) => (i % 2 ? 'right' : 'left')),
  );
  for (let i = 0; i < entries.length; i += perRow) {
    const row = entries.slice(i, i + perRow).flatMap(([op, n]) => [op, int(n)]);
    while (row.length < columns) row.push('');
    t.push(row);
  }
  return t.toString();
}
