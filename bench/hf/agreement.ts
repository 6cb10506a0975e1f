// How far Pare's answers are from the Python pipeline's on the same texts: label agreement for classifiers
// (every label's above/below 0.5 for multi-label ones), cosine for embeddings, exact entity spans for NER.
import type { EntityGroup, TextPrediction, TokenEntities } from '@pare/runtime';
import type { Expected } from './hfFixtures';
import { cosine } from './transformerForms';

export interface Agreement {
  /** "label agreement", "embedding cosine (mean)" or "entity spans identical". */
  metric: string;
  value: number;
  /** Worst single text (cosine) where that means something. */
  worst?: number;
}

function classification(expected: Expected, results: TextPrediction[]): Agreement {
  const multi = expected.problem_type === 'multi_label_classification';
  let agree = 0;
  let total = 0;
  results.forEach((r, i) => {
    const labels = expected.outputs[i]!.labels!;
    if (multi) {
      for (const { label, score } of labels) { total++; if ((score > 0.5) === ((r.scores[label] ?? 0) > 0.5)) agree++; }
    } else {
      total++;
      if (r.label === labels[0]!.label) agree++;
    }
  });
  return { metric: multi ? 'label agreement (per label, multi-label)' : 'label agreement', value: agree / total };
}

function embeddings(expected: Expected, results: number[][]): Agreement {
  const cos = results.map((e, i) => cosine(e, expected.outputs[i]!.embedding!));
  return { metric: 'embedding cosine (mean)', value: cos.reduce((a, b) => a + b, 0) / cos.length, worst: Math.min(...cos) };
}

function entities(expected: Expected, results: TokenEntities[]): Agreement {
  const key = (e: { entity_group: string; start: number; end: number }) => `${e.entity_group}@${e.start}-${e.end}`;
  const same = results.filter((r, i) => {
    const got = (r as EntityGroup[]).map(key).join(' ');
    return got === expected.outputs[i]!.entities!.map(key).join(' ');
  }).length;
  return { metric: 'entity spans identical (texts)', value: same / results.length };
}

export function agreement(expected: Expected, results: unknown[]): Agreement {
  if (expected.task === 'feature-extraction') return embeddings(expected, results as number[][]);
  if (expected.task === 'token-classification') return entities(expected, results as TokenEntities[]);
  return classification(expected, results as TextPrediction[]);
}
