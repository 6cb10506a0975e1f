// The normaliser that offsets apply to one character at a time (normalizedAlignment.ts). Strip acts on the ends
// of the whole text only: applied to a lone space it would delete the space that the next word's "▁" stands for,
// so every token after a space would lose its start. It is left out here; whole-text normalisation keeps it.

/** What a normaliser node of the library holds (runtime fields, checked before use). */
interface NormalizerNode {
  normalize(text: string): string;
  config?: { type?: unknown };
  normalizers?: unknown[];
}

const isNode = (x: unknown): x is NormalizerNode => typeof (x as NormalizerNode | null)?.normalize === 'function';

export function characterNormalizer(node: unknown): (char: string) => string {
  if (!isNode(node)) return (c) => c;
  if (node.config?.type === 'Strip') return (c) => c;
  if (node.config?.type === 'Sequence' && Array.isArray(node.normalizers)) {
    const steps = node.normalizers.map(characterNormalizer);
    return (c) => steps.reduce((s, step) => step(s), c);
  }
  return (c) => node.normalize(c);
}
