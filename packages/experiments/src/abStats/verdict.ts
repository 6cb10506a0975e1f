// The verdict in words. A failed guardrail comes first ("Guardrail failed: int8 loses 34.9 pt of accuracy …"),
// then a sample-ratio mismatch, then speed, e.g. "int8 is 38% faster than fp32 (95% CI 31–45%), accuracy −0.2 pt (−0.9 to +0.5):
// no significant loss; 1,900 more labelled requests would detect a 1-pt loss". Built from the report only,
// so the page, the JSON and `pare ab` say the same thing.
import type { AbReport } from './abReport';
import type { GuardrailCheck } from './guardrail';
import { excludesZero, type Interval } from './interval';
import { groupThousands, percentMagnitude, roundUpTwoSignificant, signed } from './format';

export function verdictText(r: Omit<AbReport, 'verdict'>): string {
  const { a, b } = r;
  const level = `${Math.round(r.confidence * 100)}% CI`;
  if (r.status === 'no_traffic') {
    const idle = [a, b].filter((v) => v.requests === 0).map((v) => v.name);
    return `No traffic yet for ${idle.join(' and ')} in this window: send requests to the model (POST /v1/models/<model>/predict) with weight on both variants.`;
  }
  const lead: string[] = [];
  for (const g of r.guardrails) if (g.status === 'failed' && g.difference) lead.push(guardrailSentence(r, g));
  if (r.sampleRatio?.mismatch) lead.push(sampleRatioSentence(r));
  const parts: string[] = [latencySentence(r, level)];
  parts.push(accuracySentence(r));
  const errors = r.errorRateDifference;
  if (errors && (a.errors > 0 || b.errors > 0)) {
    parts.push(`error rate ${signed(errors.estimate * 100, 2, true)} pt (${signed(errors.lower * 100, 2, true)} to ${signed(errors.upper * 100, 2, true)})${excludesZero(errors) ? (errors.estimate > 0 ? ': significantly more errors' : ': significantly fewer errors') : ''}`);
  }
  let text = parts.join(', ');
  const horizon = r.design.latency;
  if (!horizon.reached && horizon.plannedPerVariant !== null) {
    text += `. Provisional: ${groupThousands(Math.min(horizon.observedA, horizon.observedB))} of ${groupThousands(horizon.plannedPerVariant)} planned requests per variant (fixed horizon: decide at the planned size)`;
  }
  return lead.length > 0 ? `${lead.join(' ')} Otherwise: ${text}.` : `${text}.`;
}

function guardrailSentence(r: Omit<AbReport, 'verdict'>, g: GuardrailCheck): string {
  const d = g.difference!;
  const pt = (x: number): string => signed(x * 100, g.metric === 'accuracy' ? 1 : 2, true);
  const what = g.metric === 'accuracy' ? `loses ${signed(-d.estimate * 100, 1)} pt of accuracy` : `raises the error rate by ${signed(d.estimate * 100, 2)} pt`;
  return `Guardrail failed: ${r.b.name} ${what} against ${r.a.name} (${pt(d.lower)} to ${pt(d.upper)}), beyond the ${g.marginPt}-pt margin: do not ship it on speed.`;
}

function sampleRatioSentence(r: Omit<AbReport, 'verdict'>): string {
  const s = r.sampleRatio!;
  const shares = s.variants.map((v) => `${v.name} ${groupThousands(v.observed)} (expected ${groupThousands(Math.round(v.expected))})`).join(', ');
  const p = s.pValue < 1e-6 ? '< 0.000001' : `= ${s.pValue.toPrecision(2)}`;
  return `Sample ratio mismatch: the traffic split is not the weights' (${shares}; chi-square p ${p}), so every figure of this comparison may be biased; find why before trusting them.`;
}

function latencySentence(r: Omit<AbReport, 'verdict'>, level: string): string {
  const { a, b } = r;
  const rel = r.latency.median?.relativeChangePct;
  if (!rel || Number.isNaN(rel.lower)) return `${b.name} vs ${a.name}: too few requests to compare latency`;
  if (excludesZero(rel)) {
    const faster = rel.estimate < 0;
    // For "faster" the interval of a reduction reads as magnitudes: −45…−31 % becomes "31–45%".
    const [lo, hi] = faster ? [-rel.upper, -rel.lower] : [rel.lower, rel.upper];
    return `${b.name} is ${percentMagnitude(rel.estimate)}% ${faster ? 'faster' : 'slower'} than ${a.name} (${level} ${percentMagnitude(lo)}–${percentMagnitude(hi)}%)`;
  }
  return `${b.name} and ${a.name} show no significant latency difference (median ${signed(rel.estimate, 1, true)}%, ${level} ${signed(rel.lower, 1, true)} to ${signed(rel.upper, 1, true)}%)`;
}

function accuracySentence(r: Omit<AbReport, 'verdict'>): string {
  const effect = r.design.minimumEffect.accuracyPt;
  const plan = r.design.accuracy;
  const more = plan.remaining === null ? 0 : roundUpTwoSignificant(plan.remaining);
  const detect = `would detect a ${effect}-pt loss`;
  const d: Interval | null = r.accuracyDifference;
  if (!d) {
    return `no labelled requests yet (POST /v1/feedback with the request id and the true label); about ${groupThousands(more)} labelled requests ${detect}`;
  }
  const pt = (x: number): string => signed(x * 100, 1, true);
  let judgement: string;
  if (d.upper < 0) judgement = 'significant loss';
  else if (d.lower > 0) judgement = 'significant gain';
  else judgement = d.estimate <= 0 ? 'no significant loss' : 'no significant change';
  const tail = more > 0 ? `; ${groupThousands(more)} more labelled requests ${detect}` : '';
  return `accuracy ${pt(d.estimate)} pt (${pt(d.lower)} to ${pt(d.upper)}): ${judgement}${tail}`;
}
