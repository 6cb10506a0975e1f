// Guardrails: the losses a faster variant may not buy. A candidate fails when its accuracy falls, or its error
// rate rises, by more than the set margin and the interval rules out no change; the verdict then says so
// before anything else, so "58% faster" never leads a variant that lost 35 points of accuracy.
import type { Interval } from './interval';

export interface GuardrailMargins {
  /** Largest accuracy loss accepted, percentage points. */
  accuracyPt: number;
  /** Largest error-rate rise accepted, percentage points. */
  errorRatePt: number;
}

export interface GuardrailCheck {
  metric: 'accuracy' | 'error rate';
  marginPt: number;
  /** b − a, as a proportion; null when there is nothing to judge yet. */
  difference: Interval | null;
  status: 'failed' | 'passed' | 'no data';
}

export function accuracyGuardrail(difference: Interval | null, marginPt: number): GuardrailCheck {
  const failed = difference !== null && difference.upper < 0 && -difference.estimate * 100 > marginPt;
  return { metric: 'accuracy', marginPt, difference, status: difference === null ? 'no data' : failed ? 'failed' : 'passed' };
}

export function errorRateGuardrail(difference: Interval | null, marginPt: number): GuardrailCheck {
  const failed = difference !== null && difference.lower > 0 && difference.estimate * 100 > marginPt;
  return { metric: 'error rate', marginPt, difference, status: difference === null ? 'no data' : failed ? 'failed' : 'passed' };
}
