// Long texts cut to a row are tokenized from a prefix (src/text/leadingPrefix.ts): the kept tokens, their offsets
// and word ids, and the truncation flag must be exactly those of tokenizing the whole text and cutting after.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTokenizerJson } from '../../src/text/tokenizerJson';
import { HuggingFaceTokenizer } from '../../src/text/huggingFaceTokenizer';
import { pareTextTokenizer } from '../../src/text/pareTextTokenizer';
import { inlineTokenizerSpec, type Manifest } from '../../src/manifest';
import type { TextTokenizer } from '../../src/text/textTokenizer';
import { fixtureBytes, parityTexts, TOKENIZER_FOLDERS, type TokenizerName } from './hfFixtures';

const ROW = 128;
const parity = parityTexts();
/** Long texts of many shapes: joined emails, whitespace only every few thousand characters, none near the cut. */
const longTexts = [
  ...Array.from({ length: 24 }, (_, i) => parity.slice(i * 40, i * 40 + 10 + i * 3).join(i % 2 ? '\n\n' : ' ')),
  parity.join(' ').slice(0, 60_000),
  `${'x'.repeat(3000)} ${parity.slice(0, 30).join(' ')}`,
  `${parity.slice(0, 4).join(' ')}${'=-'.repeat(5000)} tail words here`,
  `${'ab'.repeat(700)} ${'z'.repeat(9000)} ${parity.slice(100, 140).join('\t')}`,
  `${'word '.repeat(30)}${'😀'.repeat(3000)} ${'é'.repeat(500)} end`,
].filter((t) => t.length > 2000);

/** The first `count` tokens of a row after `skip` leading special tokens. */
const slice = <T>(row: readonly T[], skip: number, count: number) => row.slice(skip, skip + count);

function expectSameAsWhole(cut: TextTokenizer, whole: TextTokenizer, skip: number, room: number, offsets: boolean): void {
  for (const text of longTexts) {
    const a = cut.encode([text], { offsets });
    const b = whole.encode([text], { offsets });
    const aIds = Array.from(a.ids, Number);
    const bIds = Array.from(b.ids, Number);
    expect({ ids: slice(aIds, skip, room), offsets: slice(a.offsets[0]!, skip, room), words: slice(a.wordIds[0]!, skip, room) })
      .toEqual({ ids: slice(bIds, skip, room), offsets: slice(b.offsets[0]!, skip, room), words: slice(b.wordIds[0]!, skip, room) });
    expect(a.truncated[0]).toBe(b.attentionMask.reduce((n, m) => n + Number(m), 0) > ROW);
  }
}

describe('long texts cut to one row', () => {
  it('has long texts to try', () => {
    expect(longTexts.length).toBeGreaterThanOrEqual(20);
    expect(Math.max(...longTexts.map((t) => t.length))).toBeGreaterThanOrEqual(50_000);
  });

  describe.each(Object.keys(TOKENIZER_FOLDERS) as TokenizerName[])('%s tokenizer.json', (name) => {
    const json = () => parseTokenizerJson(fixtureBytes(TOKENIZER_FOLDERS[name], 'tokenizer.json'));
    const spec = (maxLength: number) => ({ kind: 'huggingface' as const, sha256: '0'.repeat(64), bytes: 1, maxLength, truncation: 'right' as const });
    const cut = new HuggingFaceTokenizer(json(), spec(ROW));
    const whole = new HuggingFaceTokenizer(json(), spec(1_000_000));
    // The special tokens around a text: those before it lead every row.
    const probe = cut.encode(['a']).wordIds[0]!;
    const skip = probe.indexOf(0);
    const room = ROW - probe.filter((w) => w === null).length;

    it.each([true, false])('keeps the whole-text tokens (offsets: %s)', (offsets) => {
      expectSameAsWhole(cut, whole, skip, room, offsets);
    });
  });

  it("keeps the whole-text tokens with Pare's own WordPiece (the spam teacher's)", () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'infra', 'models', 'spam', 'teacher', 'manifest.json'), 'utf8')) as Manifest;
    const spec = inlineTokenizerSpec(manifest);
    const cut = pareTextTokenizer({ ...spec, maxLength: ROW });
    const skip = spec.clsToken === undefined ? 0 : 1;
    // Pare's rows are padded to maxLength: the whole-text tokenizer gets just enough room for each text.
    const whole: TextTokenizer = { ...cut, encode: (texts, options) => pareTextTokenizer({ ...spec, maxLength: texts[0]!.length + 2 }).encode(texts, options) };
    for (const offsets of [true, false]) expectSameAsWhole(cut, whole, skip, ROW - skip, offsets);
  });
});
