// HTML as the text a reader sees: scripts, styles, comments and the head go; block elements become line
// breaks; every other tag goes; character references are decoded. Not a full HTML parser: spam markup is
// often broken, and a forgiving regex pass reads it no worse than a mail client's preview.

const NAMED: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®', trade: '™',
  euro: '€', pound: '£', yen: '¥', cent: '¢', mdash: '—', ndash: '–', hellip: '…', laquo: '«', raquo: '»',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•', middot: '·', deg: '°', times: '×',
};

/** Character references (`&amp;`, `&#233;`, `&#xE9;`) decoded; unknown names stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Whether a text carries markup a reader would not see (bodies declared plain text are often HTML in spam). */
export function looksLikeHtml(text: string): boolean {
  return /<(html|body|table|font|div|p|br|a\s)[\s>]/i.test(text);
}

const BLOCK = /<\/?(p|div|br|tr|li|ul|ol|table|h[1-6]|blockquote|hr|center|title|td)\b[^>]*>/gi;

export function htmlText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(BLOCK, '\n')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim();
}
