// From per-token predictions to entities, with the semantics of transformers' token-classification pipeline:
// `first`/`average`/`max` first force one label per word (the first token's, the mean scores', or the
// most confident token's), then `simple` and those three merge neighbours of one tag ("B-X" opens an
// entity, "I-X" or a bare "X" continues it) into one span whose score is the mean.
import { argmax } from './activation';

export type Aggregation = 'none' | 'simple' | 'first' | 'average' | 'max';

/** One token of a text (special and padding tokens excluded) with its label scores. */
export interface TokenScores {
  index: number;
  scores: number[];
  start: number;
  end: number;
  /** Continues the word of the token before it. */
  subword: boolean;
}

/** A token's own prediction (`aggregation: none`). */
export interface TokenPrediction {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** A merged span (every other aggregation). */
export interface EntityGroup {
  entity_group: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

interface Labelled {
  entity: string;
  score: number;
  start: number;
  end: number;
}

function aggregateWord(tokens: TokenScores[], strategy: 'first' | 'average' | 'max', labels: readonly string[]): Labelled {
  let scores: number[];
  if (strategy === 'first') scores = tokens[0]!.scores;
  else if (strategy === 'max') scores = tokens.reduce((best, t) => (Math.max(...t.scores) > Math.max(...best.scores) ? t : best)).scores;
  else scores = tokens[0]!.scores.map((_, k) => tokens.reduce((sum, t) => sum + t.scores[k]!, 0) / tokens.length);
  const k = argmax(scores);
  return { entity: labels[k]!, score: scores[k]!, start: tokens[0]!.start, end: tokens[tokens.length - 1]!.end };
}

function aggregateWords(tokens: TokenScores[], strategy: 'first' | 'average' | 'max', labels: readonly string[]): Labelled[] {
  const words: Labelled[] = [];
  let group: TokenScores[] = [];
  for (const t of tokens) {
    if (group.length > 0 && !t.subword) { words.push(aggregateWord(group, strategy, labels)); group = []; }
    group.push(t);
  }
  if (group.length > 0) words.push(aggregateWord(group, strategy, labels));
  return words;
}

function tagOf(label: string): { bi: 'B' | 'I'; tag: string } {
  if (label.startsWith('B-')) return { bi: 'B', tag: label.slice(2) };
  if (label.startsWith('I-')) return { bi: 'I', tag: label.slice(2) };
  return { bi: 'I', tag: label };
}

function groupOf(members: Labelled[], text: string): EntityGroup {
  const start = members[0]!.start;
  const end = members[members.length - 1]!.end;
  const parts = members[0]!.entity.split('-');
  return { entity_group: parts[parts.length - 1]!, score: members.reduce((s, m) => s + m.score, 0) / members.length, word: text.slice(start, end), start, end };
}

function groupEntities(entities: Labelled[], text: string): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let open: Labelled[] = [];
  for (const e of entities) {
    const { bi, tag } = tagOf(e.entity);
    if (open.length > 0 && (tag !== tagOf(open[open.length - 1]!.entity).tag || bi === 'B')) { groups.push(groupOf(open, text)); open = []; }
    open.push(e);
  }
  if (open.length > 0) groups.push(groupOf(open, text));
  return groups;
}

/** Entities of one text; labels in `ignore` (by default "O") are left out, as the pipeline does. */
export function entitiesOf(tokens: TokenScores[], labels: readonly string[], strategy: Aggregation, text: string, ignore: readonly string[] = ['O']): Array<TokenPrediction | EntityGroup> {
  if (strategy === 'none') {
    return tokens
      .map((t) => { const k = argmax(t.scores); return { entity: labels[k]!, score: t.scores[k]!, index: t.index, word: text.slice(t.start, t.end), start: t.start, end: t.end }; })
      .filter((e) => !ignore.includes(e.entity));
  }
  const labelled = strategy === 'simple'
    ? tokens.map((t) => { const k = argmax(t.scores); return { entity: labels[k]!, score: t.scores[k]!, start: t.start, end: t.end }; })
    : aggregateWords(tokens, strategy, labels);
  return groupEntities(labelled, text).filter((g) => !ignore.includes(g.entity_group));
}
