// A route that serves one text task checks the variant it was given: a text variant of that task (400 otherwise,
// naming what the variant is).
import { PareError } from '@pare/errors';
import { textTaskOf, type TextTaskName } from '@pare/runtime';
import type { ServingVariant } from './servingVariant';

export function requireTextVariant(serving: ServingVariant, task: TextTaskName): void {
  textTaskOf(serving.manifest, [task]);
  if (!serving.tokenizer) throw new PareError('input_invalid', `Variant "${serving.model}/${serving.variant}" has no tokenizer.`, { status: 400 });
}
