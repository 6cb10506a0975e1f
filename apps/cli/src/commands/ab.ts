// `pare ab <model> [--a <variant> --b <variant>] [--window 15m|1h|24h|7d] [--min-effect <pt>] [--json]`:
// the A/B comparison the dashboard shows (GET /v1/models/:model/ab), as a table and the verdict in words
// (a failed guardrail and a sample-ratio mismatch lead it); a text-generation model's adds its generation rows.
import type { Command } from 'commander';
import { newTable } from '../shared/table';
import type { AbAnswer, AbInterval as Interval } from '@pare/clients';
import { PareError } from '@pare/errors';
import { edgeClient, printJson, withEdgeOptions, type EdgeFlags } from '../edge/edgeOptions';

const WINDOWS = ['15m', '1h', '24h', '7d'];

const num = (x: number | null | undefined, d: number, plus = false): string => (x === null || x === undefined ? '-' : `${x > 0 && plus ? '+' : ''}${x.toFixed(d)}`);
const ms = (x: number | null): string => (x === null ? '-' : `${num(x, x < 1 ? 3 : 2)} ms`);
const pct = (i: Interval | null, d = 1): string => (i === null || i.estimate === null ? '-' : `${num(i.estimate * 100, d)}%`);
const ci = (i: Interval | null, scale: number, d: number, unit: string): string =>
  i === null || i.estimate === null ? '-' : `${num(i.estimate * scale, d, true)}${unit} (${num((i.lower ?? NaN) * scale, d, true)} to ${num((i.upper ?? NaN) * scale, d, true)})`;

export function abText(r: AbAnswer): string {
  const { a, b } = r.report;
  const lat = r.report.latency;
  const table = newTable({ head: ['', `${a.name} (baseline)`, b.name, `difference, ${Math.round(r.report.confidence * 100)}% CI`] });
  table.push(
    ['requests', a.requests, b.requests, ''],
    ['median latency', ms(a.medianMs), ms(b.medianMs), lat.median ? `${ci(lat.median.difference, 1, 3, ' ms')}; ${ci(lat.median.relativeChangePct, 1, 1, '%')}` : '-'],
    ['mean latency (Welch)', ms(a.meanMs), ms(b.meanMs), ci(lat.meanDifferenceMs, 1, 3, ' ms')],
    ['error rate', pct(a.errorRate, 2), pct(b.errorRate, 2), ci(r.report.errorRateDifference, 100, 2, ' pt')],
    ['accuracy (labelled)', a.accuracy ? `${pct(a.accuracy)} of ${a.labelled.total}` : 'no labels', b.accuracy ? `${pct(b.accuracy)} of ${b.labelled.total}` : 'no labels', ci(r.report.accuracyDifference, 100, 1, ' pt')],
  );
  const perUnit = r.report.perUnit;
  if (perUnit) {
    table.push(
      ['units (buckets)', perUnit.clustersA, perUnit.clustersB, ''],
      ['error rate, per unit', '', '', ci(perUnit.errorRateDifference, 100, 2, ' pt')],
      ['mean latency, per unit', '', '', ci(perUnit.meanLatencyDifferenceMs, 1, 3, ' ms')],
    );
  }
  if (r.cpu) {
    const cpu = (v: string): string => {
      const c = r.cpu?.[v];
      return c ? `${ms(c.p50Ms)} p50` : 'unavailable';
    };
    table.push(['CPU time (Tail Worker)', cpu(a.name), cpu(b.name), '']);
  }
  const g = r.generation;
  if (g) {
    type Means = NonNullable<AbAnswer['generation']>['tokensPerSecond'];
    const diff = (m: Means, d: number, unit: string): string => (m.difference ? `${ci(m.difference, 1, d, unit)}; ${ci(m.relativeChangePct, 1, 1, '%')}` : '-');
    table.push(
      ['time to first token, mean', ms(g.ttftMs.meanA), ms(g.ttftMs.meanB), diff(g.ttftMs, 2, ' ms')],
      ['decode tokens/s, mean', num(g.tokensPerSecond.meanA, 1), num(g.tokensPerSecond.meanB, 1), diff(g.tokensPerSecond, 1, '')],
      ['tokens per request, mean', num(g.tokensPerRequest.meanA, 1), num(g.tokensPerRequest.meanB, 1), diff(g.tokensPerRequest, 2, '')],
    );
  }
  const srm = r.report.sampleRatio;
  const plan = r.report.design;
  return [
    `${r.model}: ${b.name} vs ${a.name}, last ${r.window}${r.pair.chosen === 'top-traffic' ? ' (the two variants with most traffic)' : ''}`,
    table.toString(),
    `planned per variant: ${plan.latency.plannedPerVariant ?? '-'} requests, ${plan.accuracy.plannedPerVariant ?? '-'} labelled requests; status: ${r.report.status}`,
    srm ? `sample ratio: ${srm.variants.map((v) => `${v.name} ${v.observed} of ${Math.round(v.expected)} expected`).join(', ')}; ${srm.basis === 'units' ? 'per unit, ' : ''}chi-square p = ${srm.pValue < 0.001 ? srm.pValue.toExponential(1) : srm.pValue.toPrecision(2)}${srm.mismatch ? ' MISMATCH' : ' (fine)'}` : 'sample ratio: not checked (fewer than two weighted variants with traffic)',
    ...(r.report.guardrails?.length ? [r.report.guardrails.map((g) => `guardrail ${g.metric} (margin ${g.marginPt} pt): ${g.status}`).join('; ')] : []),
    plan.explanation,
    '',
    r.report.verdict,
    '',
  ].join('\n');
}

export function registerAb(program: Command): void {
  withEdgeOptions(
    program
      .command('ab')
      .description('Compare two variants of a model: latency (medians, means), errors and labelled accuracy with 95% intervals, and a verdict')
      .argument('<model>', 'the model')
      .option('--a <variant>', 'baseline variant (default: the larger of the two with most traffic)')
      .option('--b <variant>', 'candidate variant')
      .option('--window <window>', `time window: ${WINDOWS.join(', ')}`, '1h')
      .option('--min-effect <pt>', 'smallest accuracy loss worth detecting, in points (sizes the planned sample)', '1')
      .option('--min-latency <pct>', 'smallest latency change worth detecting, in percent', '5')
      .option('--max-error-rise <pt>', 'guardrail: the largest error-rate rise accepted, in points', '1'),
  ).action(async (model: string, flags: EdgeFlags & { a?: string; b?: string; window: string; minEffect: string; minLatency: string; maxErrorRise: string }) => {
    if (!WINDOWS.includes(flags.window)) throw new PareError('window_invalid', `--window must be one of ${WINDOWS.join(', ')}, got "${flags.window}".`);
    if ((flags.a === undefined) !== (flags.b === undefined)) throw new PareError('input_invalid', 'Give both --a and --b, or neither (the two variants with most traffic are compared).', { details: { usage: true } });
    for (const [name, value] of [['--min-effect', flags.minEffect], ['--min-latency', flags.minLatency], ['--max-error-rise', flags.maxErrorRise]] as const) {
      if (!(Number(value) > 0)) throw new PareError('input_invalid', `${name} must be a positive number, got "${value}".`, { details: { usage: true } });
    }
    const answer = await edgeClient(flags).ab(model, { window: flags.window, minEffectPt: flags.minEffect, minLatencyPct: flags.minLatency, maxErrorRisePt: flags.maxErrorRise, a: flags.a, b: flags.b });
    if (flags.json) return printJson(answer);
    process.stdout.write(abText(answer));
  });
}
