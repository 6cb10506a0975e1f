import { describe, expect, it } from 'vitest';
import { parseManifest, type ManifestInput } from './manifest';
import { feedsFromBatch, inlineTokenizer, textFeeds } from './textFeeds';

const tokenizer = { kind: 'wordpiece' as const, vocab: ['[PAD]', '[UNK]', '[CLS]', 'free', 'now'], maxLength: 4, clsToken: '[CLS]' };
const manifest = (over: Partial<ManifestInput>) => parseManifest({
  model: 'm', variant: 'v', sha256: 'a'.repeat(64), bytes: 1,
  inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 4] }, { name: 'mask', dtype: 'int32', shape: ['batch', 4] }],
  outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }],
  preprocess: { tokenizer, idsInput: 'ids', maskInput: 'mask' },
  ...over,
});

describe('textFeeds', () => {
  it('stacks the encoded texts under the manifest input names, in each input dtype', () => {
    const feeds = textFeeds(manifest({}), ['free now', 'now']);
    expect(feeds.ids).toEqual({ type: 'int64', dims: [2, 4], data: BigInt64Array.from([2n, 3n, 4n, 0n, 2n, 4n, 0n, 0n]) });
    expect(feeds.mask).toEqual({ type: 'int32', dims: [2, 4], data: Int32Array.from([1, 1, 1, 0, 1, 1, 0, 0]) });
  });

  it('cleans texts first when the manifest says preprocess.clean "mail", and parses manifests without the field', () => {
    const mail = 'From: a@example.com\nSubject: Re: [list] free\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n' + btoa('now');
    const cleaning = manifest({ preprocess: { tokenizer, idsInput: 'ids', maskInput: 'mask', clean: 'mail' } });
    expect(cleaning.preprocess?.clean).toBe('mail');
    expect(manifest({}).preprocess?.clean).toBeUndefined();
    expect(textFeeds(cleaning, [mail])).toEqual(textFeeds(manifest({}), ['free now']));
    expect(textFeeds(cleaning, ['free now'])).toEqual(textFeeds(manifest({}), ['free now']));
    expect(() => manifest({ preprocess: { tokenizer, idsInput: 'ids', clean: 'html' as 'mail' } })).toThrow();
  });

  it('feeds no mask when the manifest names none, and refuses a manifest without a tokenizer', () => {
    expect(Object.keys(textFeeds(manifest({ preprocess: { tokenizer, idsInput: 'ids' } }), ['free']))).toEqual(['ids']);
    expect(() => textFeeds(manifest({ preprocess: undefined }), ['free'])).toThrow(/no preprocess.tokenizer/);
  });
});

describe('feedsFromBatch', () => {
  it('fills token_type_ids from the batch and position_ids with 0..length-1 when the manifest names them', () => {
    const m = manifest({
      inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 4] }, { name: 'types', dtype: 'int64', shape: ['batch', 4] }, { name: 'pos', dtype: 'int32', shape: ['batch', 4] }],
      preprocess: { tokenizer, idsInput: 'ids', typeIdsInput: 'types', positionIdsInput: 'pos' },
    });
    const feeds = feedsFromBatch(m, inlineTokenizer(m).encode(['free', 'now now']));
    expect(Object.keys(feeds)).toEqual(['ids', 'types', 'pos']);
    expect(feeds.types!.data).toEqual(new BigInt64Array(8));
    expect(feeds.pos).toEqual({ type: 'int32', dims: [2, 4], data: Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]) });
  });

  it('refuses to encode a Hugging Face variant without its tokenizer.json', () => {
    const m = manifest({ preprocess: { tokenizer: { kind: 'huggingface', sha256: 'b'.repeat(64), bytes: 10, maxLength: 8 }, idsInput: 'ids' } });
    expect(() => textFeeds(m, ['free'])).toThrow(/tokenizer\.json/);
  });
});
