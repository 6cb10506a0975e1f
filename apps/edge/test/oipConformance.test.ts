// The edge driven as Triton's HTTP client (tritonclient.http) drives a server: its request body is the JSON that
// Python's json.dumps writes (", " and ": " separators, keys in the client's order) followed by the inputs'
// little-endian bytes, with Inference-Header-Content-Length; with no outputs named it asks for every output as
// binary data (`binary_data_output`), and it reads the response back the same way (InferResult).
import { beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, MLP_INPUT, postJson, setTraffic } from './helpers';

const IMAGE_MODEL = 'oip-image';
const MLP_MODEL = 'oip-binary-mlp';
const TEXT_MODEL = 'oip-bytes-text';

const encoder = new TextEncoder();

/** What InferenceServerClient.infer sends: the header's JSON text, then the raw tensor bytes. */
function tritonRequest(headerJson: string, ...tensors: Uint8Array[]): RequestInit {
  const header = encoder.encode(headerJson);
  const body = new Uint8Array(header.byteLength + tensors.reduce((n, t) => n + t.byteLength, 0));
  body.set(header, 0);
  let offset = header.byteLength;
  for (const t of tensors) {
    body.set(t, offset);
    offset += t.byteLength;
  }
  return { method: 'POST', headers: { 'Inference-Header-Content-Length': String(header.byteLength) }, body };
}

/** InferResult.from_response_body: the JSON header, then each binary output's bytes in order. */
async function tritonResult(response: Response): Promise<{ header: Record<string, any>; binary: Map<string, Uint8Array> }> {
  const body = new Uint8Array(await response.arrayBuffer());
  const length = Number(response.headers.get('inference-header-content-length') ?? body.byteLength);
  const header = JSON.parse(new TextDecoder().decode(body.subarray(0, length))) as Record<string, any>;
  const binary = new Map<string, Uint8Array>();
  let offset = length;
  for (const output of header.outputs ?? []) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary.set(output.name, body.slice(offset, offset + size));
    offset += size;
  }
  expect(offset).toBe(body.byteLength);
  return { header, binary };
}

/** BYTES elements as the client serialises them (serialize_byte_tensor): a uint32 little-endian length, then the bytes. */
function bytesTensor(texts: string[]): Uint8Array {
  const parts = texts.map((t) => encoder.encode(t));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const p of parts) {
    view.setUint32(offset, p.byteLength, true);
    out.set(p, offset + 4);
    offset += 4 + p.byteLength;
  }
  return out;
}

function readBytesTensor(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let offset = 0; offset < bytes.byteLength; ) {
    const n = view.getUint32(offset, true);
    out.push(new TextDecoder().decode(bytes.subarray(offset + 4, offset + 4 + n)));
    offset += 4 + n;
  }
  return out;
}

const asBytes = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const floats = (b: Uint8Array): number[] => Array.from(new Float32Array(b.slice().buffer));

beforeAll(async () => {
  await deployFixture('image', IMAGE_MODEL, 'fp32', 100);
  await deployFixture('mlp', MLP_MODEL, 'fp32', 100);
  await deployFixture('text', TEXT_MODEL, 'v1', 100);
});

describe('Triton HTTP client wire format', () => {
  it('sends a 3×224×224 fp32 image as binary data and reads its outputs back as binary data', async () => {
    // Channel c holds the value c + 1 everywhere except one pixel, so each channel's mean is known exactly.
    const image = new Float32Array(3 * 224 * 224);
    for (let c = 0; c < 3; c++) image.fill(c + 1, c * 224 * 224, (c + 1) * 224 * 224);
    image[0] = 1 + 224 * 224;
    expect(image.byteLength).toBe(602_112);
    const response = await call(
      `/v2/models/${IMAGE_MODEL}/infer`,
      tritonRequest('{"id": "img-1", "inputs": [{"name": "image", "shape": [1, 3, 224, 224], "datatype": "FP32", "parameters": {"binary_data_size": 602112}}], "parameters": {"binary_data_output": true}}', asBytes(image)),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-pare-variant')).toBe('fp32');
    const { header, binary } = await tritonResult(response);
    expect(header).toMatchObject({ id: 'img-1', model_name: IMAGE_MODEL, model_version: 'fp32', outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 3], parameters: { binary_data_size: 12 } }] });
    expect(header.outputs[0].data).toBeUndefined();
    const [r, g, b] = floats(binary.get('logits')!);
    expect(r).toBeCloseTo(2, 5);
    expect(g).toBeCloseTo(2, 5);
    expect(b).toBeCloseTo(3, 5);
  });

  it('answers the same numbers in binary and in JSON, and honours binary_data per output', async () => {
    const input = Float32Array.from(MLP_INPUT[0]!);
    const viaJson = await (await postJson(`/v2/models/${MLP_MODEL}/infer`, { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: MLP_INPUT[0] }] })).json<Record<string, any>>();
    const binary = await tritonResult(await call(`/v2/models/${MLP_MODEL}/infer`, tritonRequest('{"inputs": [{"name": "input", "shape": [1, 8], "datatype": "FP32", "parameters": {"binary_data_size": 32}}], "parameters": {"binary_data_output": true}}', asBytes(input))));
    const got = floats(binary.binary.get('logits')!);
    got.forEach((v, i) => expect(v).toBeCloseTo(viaJson.outputs[0].data[i], 6));
    // InferRequestedOutput("logits", binary_data=False): binary input, JSON output, a plain JSON response.
    const mixed = await call(`/v2/models/${MLP_MODEL}/infer`, tritonRequest('{"inputs": [{"name": "input", "shape": [1, 8], "datatype": "FP32", "parameters": {"binary_data_size": 32}}], "outputs": [{"name": "logits", "parameters": {"binary_data": false}}]}', asBytes(input)));
    expect(mixed.headers.get('inference-header-content-length')).toBeNull();
    expect((await mixed.json<Record<string, any>>()).outputs[0].data).toEqual(viaJson.outputs[0].data);
  });

  it('takes BYTES texts for a text model, in binary and in JSON', async () => {
    const meta = await (await call(`/v2/models/${TEXT_MODEL}`)).json<Record<string, any>>();
    expect(meta.inputs).toEqual([{ name: 'text', datatype: 'BYTES', shape: [-1] }]);
    expect(meta.outputs).toEqual([{ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'scores', datatype: 'FP32', shape: [-1, 2] }]);
    const texts = ['win free money now', 'lunch meeting tomorrow'];
    const payload = bytesTensor(texts);
    const binary = await tritonResult(await call(`/v2/models/${TEXT_MODEL}/infer`, tritonRequest(`{"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": ${payload.byteLength}}}], "parameters": {"binary_data_output": true}}`, payload)));
    expect(binary.header.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape])).toEqual([['label', [2]], ['scores', [2, 2]]]);
    const labels = readBytesTensor(binary.binary.get('label')!);
    const viaPredict = await (await postJson(`/v1/models/${TEXT_MODEL}/predict`, { texts })).json<{ results: Array<{ label: string; scores: Record<string, number> }> }>();
    expect(labels).toEqual(viaPredict.results.map((r) => r.label));
    floats(binary.binary.get('scores')!).forEach((s, i) => expect(s).toBeCloseTo(viaPredict.results[i >> 1]!.scores[['ham', 'spam'][i % 2]!]!, 5));
    const json = await (await postJson(`/v2/models/${TEXT_MODEL}/infer`, { inputs: [{ name: 'text', shape: [2, 1], datatype: 'BYTES', data: texts }] })).json<Record<string, any>>();
    expect(json.outputs[0]).toEqual({ name: 'label', shape: [2], datatype: 'BYTES', data: labels });
  });

  it('refuses malformed binary bodies with a protocol error, and bounds their size', async () => {
    const input = asBytes(Float32Array.from(MLP_INPUT[0]!));
    const header = '{"inputs": [{"name": "input", "shape": [1, 8], "datatype": "FP32", "parameters": {"binary_data_size": 32}}]}';
    const cases: Array<[RequestInit, number, RegExp]> = [
      [tritonRequest(header, input.subarray(0, 28)), 400, /only 28 follow/],
      [tritonRequest(header, input, new Uint8Array(4)), 400, /36 bytes after the JSON header/],
      [tritonRequest(header.replace('"binary_data_size": 32', '"binary_data_size": 28'), input.subarray(0, 28)), 400, /28 bytes of binary data but shape \[1, 8\] of float32 needs 32/],
      [{ ...tritonRequest(header, input), headers: { 'Inference-Header-Content-Length': '99999' } }, 400, /Inference-Header-Content-Length/],
      [{ ...tritonRequest(header, input), headers: { 'Inference-Header-Content-Length': '10' } }, 400, /not valid JSON/],
      [tritonRequest(header, asBytes(Float32Array.of(0, 1, 2, Number.NaN, 4, 5, 6, 7))), 400, /finite/],
      // Over the default 4 MiB for binary bodies.
      [tritonRequest(header, new Uint8Array(5 * 1024 * 1024)), 413, /larger than 4194304 bytes/],
    ];
    for (const [init, status, message] of cases) {
      const response = await call(`/v2/models/${MLP_MODEL}/infer`, init);
      expect(response.status, String(message)).toBe(status);
      const error = (await response.json<{ error: unknown }>()).error;
      expect(typeof error).toBe('string');
      expect(error).toMatch(message);
    }
  });
});

describe('readiness and versions', () => {
  it('lists only versions that take traffic and are healthy; the server is ready only while every model can be served', async () => {
    const model = 'oip-versions';
    await deployFixture('mlp', model, 'a', 100);
    await deployFixture('mlpSmall', model, 'b', 0);
    expect((await (await call(`/v2/models/${model}`)).json<{ versions: string[] }>()).versions).toEqual(['a']);
    expect((await setTraffic(model, { a: 50, b: 50 })).status).toBe(200);
    expect((await (await call(`/v2/models/${model}`)).json<{ versions: string[] }>()).versions).toEqual(['a', 'b']);
    expect((await call('/v2/health/ready')).status).toBe(200);
  });
});
