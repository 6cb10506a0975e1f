// The Text rule in wrangler.toml turns these imports into strings.
declare module '*/chart.umd.min.js' {
  const source: string;
  export default source;
}
declare module '*/dashboard.client.js' {
  const source: string;
  export default source;
}
declare module '*/dashboard.client.css' {
  const source: string;
  export default source;
}
