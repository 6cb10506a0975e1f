/** Whether a service URL is on this machine: only then does the CLI read tokens from the repository's local files. */
export function isLocalUrl(url: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);
}
