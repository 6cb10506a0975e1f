// gzip size through the web-standard CompressionStream, so every size Pare reports (the fitter's budget, a
// manifest's gzipBytes) is the same number in Node, workerd and browsers. Edge budgets are about bytes on the
// wire, which is what gzip approximates.

export async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  const reader = stream.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return size;
    size += value.byteLength;
  }
}
