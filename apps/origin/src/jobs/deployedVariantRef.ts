import { VARIANT_NAME } from '@pare/runtime';

// `<edge-url>/<model>/<variant>` names a variant deployed on one of the origin's edges (a distill job's teacher).
// Only URLs under a configured edge qualify: the origin sends that edge's admin token to read the variant.

export interface DeployedVariantRef {
  edge: string;
  model: string;
  variant: string;
}

/** The deployed variant `ref` names, or undefined when it is not a URL under one of `edgeUrls` (normalised by admitJob's edgeKey). */
export function deployedVariantRef(ref: string, edgeUrls: readonly string[]): DeployedVariantRef | undefined {
  if (!/^https?:\/\//.test(ref) || !URL.canParse(ref)) return undefined;
  const url = new URL(ref);
  if (url.search || url.hash) return undefined;
  const href = url.href.replace(/\/+$/, '');
  for (const edge of edgeUrls) {
    if (!href.startsWith(`${edge}/`)) continue;
    const rest = href.slice(edge.length + 1).split('/');
    if (rest.length === 2 && rest.every((part) => VARIANT_NAME.test(part))) return { edge, model: rest[0]!, variant: rest[1]! };
  }
  return undefined;
}
