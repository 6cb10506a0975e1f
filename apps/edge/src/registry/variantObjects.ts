// Where a variant's objects live in R2: models/<model>/<variant>/<file>.
export type VariantFile = 'model.onnx' | 'manifest.json' | 'tokenizer.json';

export function variantObjectKey(model: string, variant: string, file: VariantFile): string {
  return `models/${model}/${variant}/${file}`;
}
