import { describe, expect, it } from 'vitest';
import { emailParts } from './emailText';
import { loadSpamAssassin } from './spamAssassin';

describe('loadSpamAssassin', () => {
  const d = loadSpamAssassin({ seed: 1 });
  const splits = [d.train, d.val, d.test];

  it('removes duplicate bodies and keeps the rest', () => {
    expect(d.stats.raw).toBe(6046);
    expect(d.stats.duplicatesRemoved).toBeGreaterThan(150);
    expect(d.train.length + d.val.length + d.test.length).toBe(d.stats.kept);
  });

  it('splits without overlap, about 80/10/10', () => {
    const ids = splits.flat().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(d.val.length / d.stats.kept).toBeCloseTo(0.1, 2);
    expect(d.test.length / d.stats.kept).toBeCloseTo(0.1, 2);
  });

  it('keeps the spam share and some hard ham in every split', () => {
    const spamShare = (xs: typeof d.train) => xs.filter((e) => e.label === 1).length / xs.length;
    for (const s of splits) {
      expect(Math.abs(spamShare(s) - spamShare(d.train))).toBeLessThan(0.01);
      expect(s.filter((e) => e.hard).length).toBeGreaterThanOrEqual(20);
      expect(s.every((e) => e.label === 0 || !e.hard)).toBe(true);
    }
  });

  it('is fixed by its seed and changes with it', () => {
    expect(loadSpamAssassin({ seed: 1 }).test.map((e) => e.id)).toEqual(d.test.map((e) => e.id));
    expect(loadSpamAssassin({ seed: 2 }).test.map((e) => e.id)).not.toEqual(d.test.map((e) => e.id));
    expect(d.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('keeps no transport header that leaks the label', () => {
    const all = splits.flat();
    for (const e of all) expect(e.text).not.toMatch(/^X-Spam-[\w-]+:/m);
    // Header-looking lines remain only inside bodies of forwarded or bounced messages (what a filter sees too).
    expect(all.filter((e) => /^(Received|Return-Path|Delivered-To):/m.test(e.text)).length / all.length).toBeLessThan(0.01);
  });
});

describe('loadSpamAssassin with mail cleaning', () => {
  it('makes the same split from cleaned texts', () => {
    const raw = loadSpamAssassin({ seed: 1, limit: 50 });
    const mail = loadSpamAssassin({ seed: 1, limit: 50, text: 'mail' });
    expect(mail.test.map((e) => e.id)).toEqual(raw.test.map((e) => e.id));
    expect(mail.text).toBe('mail');
    expect(mail.train.some((e, i) => e.text !== raw.train[i]!.text)).toBe(true);
  }, 60_000);
});

describe('emailParts', () => {
  it('keeps the (unfolded) subject and the body only', () => {
    const raw = 'From x@y  Mon\nReceived: from a\n\tby b\nSubject: Cheap\n  pills\nX-Spam-Status: Yes\n\nBuy now.\n\nBye';
    expect(emailParts(raw)).toEqual({ subject: 'Cheap pills', body: 'Buy now.\n\nBye' });
  });
});
