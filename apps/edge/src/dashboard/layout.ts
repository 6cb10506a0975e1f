// The HTML document around every dashboard page: viewport for phones, the bundled stylesheet, and a strict
// Content-Security-Policy (only this worker's own scripts, no inline code), set by the routes.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function layout(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>, scripts: readonly string[] = []) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<link rel="icon" href="data:,">
</head>
<body>
${body}
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`;
}
