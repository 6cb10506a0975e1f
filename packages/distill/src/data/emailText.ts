// What a deployed filter sees of an email: its Subject and its body. Every other header is dropped because in
// this corpus the headers leak the label rather than describe the message:
//   - X-Spam-Status / X-Spam-Flag / X-Spam-Level / X-Spam-Checker-Version: SpamAssassin's own verdict;
//   - From_ envelope line, Return-Path, Delivered-To, Received, Message-Id: the collection mailboxes and relays
//     differ between the ham and spam collections (e.g. "zzzz@localhost", "spamassassin.taint.org");
//   - List-* / X-Mailing-List / X-Beenthere / Sender / Errors-To: most ham came through a handful of mailing lists;
//   - Date: the ham and spam collections span different periods.
// From/To/Content-Type are dropped too: they carry the same collection artefacts and the model should learn
// from the words a user reads.

/** Unfolded header lines of the header block. */
function headerLines(block: string): string[] {
  const out: string[] = [];
  for (const line of block.split('\n')) {
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1] += ' ' + line.trim();
    else out.push(line);
  }
  return out;
}

export interface EmailParts { subject: string; body: string }

/** Split a raw RFC 822 message into its Subject header value and body. */
export function emailParts(raw: string): EmailParts {
  const text = raw.replace(/\r\n?/g, '\n');
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 2);
  const subjectLine = headerLines(head).find((l) => /^subject:/i.test(l));
  return { subject: subjectLine ? subjectLine.slice('subject:'.length).trim() : '', body: body.trim() };
}

/** The text the classifier reads, at training time and at the edge: "subject\n\nbody". */
export function emailText(parts: EmailParts): string {
  return parts.subject ? `${parts.subject}\n\n${parts.body}` : parts.body;
}
