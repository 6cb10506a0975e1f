import { describe, expect, it } from 'vitest';
import { cleanSubject, collapseRepeats, filterText, headAndTail, looksLikeMail, mailText, normalizePunctuation } from './mailText';
import { decodeCharset, decodeEncodedWords } from './mimeText';

// Mails as a client sends them (the bundled corpus's are tested in packages/distill/src/data/mailText.test.ts).
const utf8Base64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
const base64HtmlMail = [
  'From: "Prize Desk" <desk@example.com>', 'To: you@example.com', 'Subject: =?utf-8?B?' + utf8Base64('You won €1000') + '?=',
  'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '', 'This is a multi-part message in MIME format.', '--b1',
  'Content-Type: text/html; charset="utf-8"', 'Content-Transfer-Encoding: base64', '',
  ...utf8Base64('<html><head><style>p{color:red}</style></head><body><p>Claim your <b>prize</b> now!!!!!!</p><p>Visit&nbsp;our site &amp; win</p></body></html>').match(/.{1,76}/g)!,
  '--b1', 'Content-Type: application/pdf; name="x.pdf"', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--b1--', '',
].join('\r\n');
const quotedPrintableMail = [
  'Subject: Re: [Team] Lunch', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '',
  'Shall we meet at the caf=E9 at noon? The menu says =A312 for two, which is a very long line that the mail=',
  ' client wrapped.', '', 'On Mon, 2 Dec 2026, Ann wrote:', '> Anyone for lunch?', '',
].join('\n');

describe('filterText', () => {
  it('decodes a base64 HTML part by its headers, reads it as text and skips the attachment', () => {
    expect(looksLikeMail(base64HtmlMail)).toBe(true);
    expect(filterText(base64HtmlMail)).toBe('You won EUR 1000\n\nClaim your prize now!!!\nVisit our site & win');
  });

  it('undoes quoted-printable in its charset, drops the list tag, the reply prefix and the attribution', () => {
    expect(filterText(quotedPrintableMail)).toBe(
      'Lunch\n\nShall we meet at the café at noon? The menu says GBP 12 for two, which is a very long line that the mail client wrapped.\n\nAnyone for lunch?',
    );
  });

  it('passes a bare message through as its body, first paragraph included', () => {
    const body = 'Hi Sam,\n\nYour order #1234 has shipped \u2014 it\u2019ll arrive Friday.\n\nThanks!';
    expect(looksLikeMail(body)).toBe(false);
    expect(filterText(body)).toBe('Hi Sam,\n\nYour order #1234 has shipped - it\'ll arrive Friday.\n\nThanks!');
    expect(filterText('Note: meeting at 5\n\nsee you')).toBe('Note: meeting at 5\n\nsee you');
    expect(filterText('')).toBe('');
  });

  it('reads a bare HTML body as text', () => {
    expect(filterText('<div>Cheap <a href="x">pills</a></div><br>Order today')).toBe('Cheap pills\nOrder today');
  });

  it('reads its own output back unchanged', () => {
    for (const m of [base64HtmlMail, quotedPrintableMail]) expect(filterText(filterText(m))).toBe(filterText(m));
  });

  it('falls back to UTF-8 for a charset it does not know, and does not throw', () => {
    const mail = 'Subject: hi\nContent-Type: text/plain; charset=x-unknown-42\nContent-Transfer-Encoding: base64\n\n' + utf8Base64('plain words');
    expect(filterText(mail)).toBe('hi\n\nplain words');
    expect(decodeCharset(new Uint8Array([0x68, 0x69]), 'no-such-charset')).toBe('hi');
  });

  it('keeps the head and the tail of a long bare text', () => {
    const long = `${'start '.repeat(400)}${'end '.repeat(400)}`;
    const text = filterText(long);
    expect(text.length).toBeLessThan(long.length);
    expect(text.startsWith('start start')).toBe(true);
    expect(text.endsWith('end end')).toBe(true);
  });
});

describe('mailText', () => {
  it('reads a multipart/alternative message by its plain part', () => {
    const msg = 'Subject: Your receipt\nContent-Type: multipart/alternative; boundary="XX"\n\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nTotal: =E2=82=AC12\n--XX\nContent-Type: text/html\n\n<p>Total</p>\n--XX--\n';
    expect(mailText(msg)).toBe('Your receipt\n\nTotal: EUR 12');
  });
});

describe('mailText pieces', () => {
  it('strips tags and prefixes in any order', () => {
    expect(cleanSubject('Re: [ILUG] Fwd: RE: [zzzzteana] Cheap pills')).toBe('Cheap pills');
    expect(cleanSubject('[100% free] offer')).toBe('offer');
  });

  it('normalises typographic punctuation and collapses runs', () => {
    expect(normalizePunctuation('\u201cHi\u201d \u2014 it\u2019s \u20ac5\u2026')).toBe('"Hi" - it\'s  EUR 5...');
    expect(collapseRepeats('FREE!!!!!!!   now\n\n\n\n=========')).toBe('FREE!!! now\n\n===');
  });

  it('keeps the head and the tail of a long text', () => {
    const t = `${'a'.repeat(100)}${'b'.repeat(100)}`;
    expect(headAndTail(t, 50, 0.6)).toBe(`${'a'.repeat(30)}\n...\n${'b'.repeat(20)}`);
    expect(headAndTail('short', 50, 0.6)).toBe('short');
  });

  it('decodes Q and B encoded words, joining adjacent ones', () => {
    expect(decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_au_lait?= =?utf-8?B?4oKs?=')).toBe('Café au lait€');
  });
});
