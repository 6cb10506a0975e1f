import { htmlText, looksLikeHtml } from './htmlText';
import { decodeEncodedWords, mimeText, parseMessage } from './mimeText';

// What a mail filter should read of a raw message: the decoded subject and the decoded readable body
// (mimeText.ts), with what is not a spam signal taken out. The corpus's ham is 2002 mailing-list traffic, so
// list footers, subject tags like "[SAtalk]", reply prefixes and quote markers tell a model "this is a list"
// rather than "this is ham"; modern mail (receipts, bank notices) has none of them. Headers other than the
// subject go: in the training corpus they leak the label (SpamAssassin's verdict, the collection mailboxes).

export interface MailTextOptions {
  /** Longest text kept, in characters: a longer body keeps its head and its tail (default 2000). */
  maxChars?: number;
  /** Share of maxChars given to the head (default 0.7). */
  headShare?: number;
}

/** Leading list tags and reply/forward prefixes, in any order and number: "Re: [SAtalk] Fwd: x" → "x". */
export function cleanSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const next = s.replace(/^(\[[^\]]{1,40}\]|(re|fwd?|aw|sv|wg|antw)(\[\d+\])?\s*:)\s*/i, '');
    if (next === s) return s;
    s = next;
  }
}

/** A separator line then, within a few lines, a mailing list's boilerplate: the footer starts at the separator. */
const FOOTER_CUE = /(mailing list|listinfo|mailman|list-unsubscribe|unsubscribe from this group|yahoo! groups|groups sponsor|sf\.net email is sponsored|irish linux users|list maintainer|xent\.com|lists\.\S+\.(org|net|com))/i;
const SEPARATOR = /^\s*(--\s*|[-_=*~]{2,}.*)$/;

/** How much text may follow a footer's separator for the footer to run to the end of the message. */
const FOOTER_TAIL_CHARS = 600;

export function dropListFooters(body: string): string {
  const lines = body.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*<?https?:\/\/\S*\/(listinfo|mailman)\/\S*\s*$/i.test(line)) continue;
    if (!SEPARATOR.test(line) || !FOOTER_CUE.test(lines.slice(i, i + 8).join('\n'))) {
      out.push(line);
      continue;
    }
    // A footer at the end runs to the end; one quoted mid-message runs to the next blank line.
    if (lines.slice(i).join('\n').length <= FOOTER_TAIL_CHARS) break;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') i++;
  }
  return out.join('\n');
}

/** PGP armour and header lines of quoted or forwarded messages: list traffic is full of them, and they say who sent it, not what it says. */
export function dropMailArmour(body: string): string {
  return body
    .replace(/-+ ?BEGIN PGP (SIGNATURE|PUBLIC KEY BLOCK) ?-+[\s\S]*?(-+ ?END PGP (SIGNATURE|PUBLIC KEY BLOCK) ?-+|$)/g, '')
    .replace(/-+ ?BEGIN PGP SIGNED MESSAGE ?-+\n(Hash: \S+\n)?/g, '')
    .split('\n')
    .filter((line) => !/^\s*[>|]?\s*(date|from|to|cc|subject|sent|reply-to|message-id|in-reply-to|references|x-[\w-]+|mime-version|content-[\w-]+):\s/i.test(line))
    .join('\n');
}

/** Quote markers and the "On …, X wrote:" attribution lines go; the quoted words stay. */
export function dropReplyMarks(body: string): string {
  return body
    .split('\n')
    // Markers first: an attribution quoted in a reply is still an attribution.
    .map((line) => line.replace(/^(\s*[>|]\s?)+/, ''))
    .filter((line) => !/^\s*(on\b.{0,200}\bwrote:|.{0,120}\bwrote:|-+\s*original message\s*-+|quoting .{0,120}:)\s*$/i.test(line))
    .join('\n');
}

/** Typographic characters as the plain ones a vocabulary knows; currency signs as their codes. */
export function normalizePunctuation(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[\u2022\u00b7]/g, '*')
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u200c\u200d\ufeff\u00ad]/g, '')
    .replace(/€/g, ' EUR ').replace(/£/g, ' GBP ').replace(/¥/g, ' JPY ').replace(/₹/g, ' INR ').replace(/¢/g, ' cents ');
}

/** Runs of one character cut to three ("!!!!!!" → "!!!", "=====" → "==="); blank space collapsed. */
export function collapseRepeats(text: string): string {
  return text
    .replace(/(\S)\1{3,}/gu, '$1$1$1')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A long text as its head and its tail (spam often puts its offer or its opt-out at the end). */
export function headAndTail(text: string, maxChars: number, headShare: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.round(maxChars * headShare);
  const tail = maxChars - head;
  return `${text.slice(0, head).trimEnd()}\n...\n${text.slice(text.length - tail).trimStart()}`;
}

/** Decoded body text with footers, armour and reply marks gone, normalised. */
function cleanBody(decoded: string): string {
  // Decoded base64 and quoted-printable parts keep their own CRLF line ends.
  return collapseRepeats(normalizePunctuation(dropListFooters(dropMailArmour(dropReplyMarks(decoded.replace(/\r\n?/g, '\n'))))));
}

/** The body of a raw message as a filter reads it (decoded, footers and reply marks gone, normalised). */
export function mailBody(raw: string): string {
  return cleanBody(mimeText(parseMessage(raw)));
}

/** The subject of a raw message as a filter reads it. */
export function mailSubject(raw: string): string {
  const subject = parseMessage(raw).headers.get('subject') ?? '';
  return collapseRepeats(normalizePunctuation(cleanSubject(decodeEncodedWords(subject))));
}

/** Subjects are one line; a longer one is a body pasted into the header. */
const MAX_SUBJECT_CHARS = 200;

/** "subject\n\nbody" of a raw message, cleaned as a mail filter must, at most maxChars long. */
export function mailText(raw: string, options: MailTextOptions = {}): string {
  const subject = mailSubject(raw).slice(0, MAX_SUBJECT_CHARS);
  const body = headAndTail(mailBody(raw), options.maxChars ?? 2000, options.headShare ?? 0.7);
  return subject && body ? `${subject}\n\n${body}` : subject || body;
}

/** Header names that mark a header block as a mail's (any "X-" header counts too). */
const MAIL_HEADERS = /^(from|to|cc|bcc|subject|date|received|return-path|delivered-to|message-id|mime-version|content-type|content-transfer-encoding|reply-to|sender|in-reply-to|references|x-[\w-]+)$/i;

/** Whether a text starts with an RFC 822 header block: an mbox "From " line or "Name: value" lines, one of them a mail header. */
export function looksLikeMail(text: string): boolean {
  const normalized = text.replace(/\r\n?/g, '\n');
  const cut = normalized.indexOf('\n\n');
  const lines = (cut < 0 ? normalized : normalized.slice(0, cut)).split('\n');
  let known = false;
  for (const [i, line] of lines.entries()) {
    if (i === 0 && /^From \S/.test(line)) { known = true; continue; }
    if (i > 0 && /^[ \t]/.test(line)) continue;
    const m = /^([!-9;-~]+):/.exec(line);
    if (!m) return false;
    if (MAIL_HEADERS.test(m[1]!)) known = true;
  }
  return known;
}

/** What a mail filter reads of any text: a whole mail as mailText does; a bare message (what users mostly send)
 * as its body, HTML read as text. The bare path leaves a text mailText already cleaned as it is, so cleaning twice
 * reads the same. */
export function filterText(text: string, options: MailTextOptions = {}): string {
  if (looksLikeMail(text)) return mailText(text, options);
  const body = text.replace(/\r\n?/g, '\n');
  const cleaned = cleanBody(looksLikeHtml(body) ? htmlText(body) : body);
  // A cleaned mail is its subject, a blank line and a body with a "\n...\n" mark: as long as that at most.
  return headAndTail(cleaned, (options.maxChars ?? 2000) + MAX_SUBJECT_CHARS + 7, options.headShare ?? 0.7);
}
