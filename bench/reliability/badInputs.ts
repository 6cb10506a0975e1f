// The bad inputs the reliability bench sends to every route of the edge: malformed JSON, wrong types, huge,
// nested and unusual strings, unknown models and variants, bad OIP shapes, out-of-vocabulary ids, float
// overflow, oversize bodies, bad uploads and bad tokens. Each is one kind: a request a careless or hostile
// client could send. Every answer must be a 4xx (a 5xx is a bug in the edge, never the caller's fault).

export interface BadRequest {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | FormData;
}

export interface Targets {
  /** A tensor model (float32 input [batch, width]) and one of its variants. */
  tensor: { model: string; variant: string; width: number };
  /** A text-classification model whose OIP inputs are int64 ids [batch, length] from a vocabulary of `vocab`. */
  text: { model: string; variant: string; length: number; vocab: number; idsInput: string; maskInput: string };
  /** A valid x-pare-request-id of a text prediction (feedback on it is tried with bad fields). */
  requestId: string;
  token: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function post(kind: string, path: string, body: string | Uint8Array | FormData, headers: Record<string, string> = JSON_HEADERS): BadRequest {
  return { kind, method: 'POST', path, headers, body };
}

/** Malformed or surprising JSON texts; each is sent as a body wherever JSON is read. */
const MALFORMED_JSON: Array<[string, string]> = [
  ['empty body', ''],
  ['open brace', '{'],
  ['close brace', '}'],
  ['open bracket', '['],
  ['null', 'null'],
  ['true', 'true'],
  ['number', '1'],
  ['string', '"text"'],
  ['array', '[]'],
  ['missing value', '{"text":}'],
  ['trailing comma', '{"text":"a",}'],
  ['single quotes', "{'text':'a'}"],
  ['NaN literal', '{"text": NaN}'],
  ['Infinity literal', '{"inputs": Infinity}'],
  ['two documents', '{"a":1}{"b":2}'],
  ['byte order mark', '\ufeff{"text":"a"}'],
  ['NUL byte', '\u0000'],
  ['unterminated string', '{"text":"abc'],
  ['bad escape', '{"text":"\\x41"}'],
  ['lone surrogate escape', '{"text":"\\ud800"}'],
  ['deep arrays', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ['deep objects', `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`],
  ['__proto__ key', '{"__proto__":{"text":"x"}}'],
  ['constructor key', '{"constructor":{"prototype":{"text":"x"}}}'],
];

const UNUSUAL_STRINGS: Array<[string, string]> = [
  ['empty', ''],
  ['whitespace', ' \t\n\r '],
  ['emoji', '💸💰🤑'.repeat(50)],
  ['right-to-left', 'مرحبا بالعالم שלום'],
  ['zero-width', '\u200b\u200c\u200d\ufeff'.repeat(20)],
  ['combining marks', `a${'\u0301'.repeat(500)}`],
  ['NUL characters', 'free\u0000money\u0000'],
  ['control characters', '\u0001\u0002\u001b[31m\u007f'],
  ['lone surrogates', '\ud800\udfff\ud800'],
  ['html', '<script>alert(1)</script><img src=x onerror=alert(1)>'],
  ['sql', "'; DROP TABLE variants; --"],
  ['long word', 'x'.repeat(50_000)],
  ['many words', 'win free money now '.repeat(20_000)],
  ['CJK', '免费赢钱现在点击'.repeat(300)],
  ['format strings', '%s%s%n%x{0}${x}'],
];

/** Names that are not a model or variant: unknown, too long, traversal, prototype members, unicode. */
const BAD_NAMES = ['nope', 'a'.repeat(30_000), '..%2F..%2Fetc%2Fpasswd', '%00', '__proto__', 'constructor', 'toString', encodeURIComponent('модель'), '%20', 'UPPER', '-dash', encodeURIComponent('a"b'), encodeURIComponent("<script>")];

function predictKinds(t: Targets): BadRequest[] {
  const out: BadRequest[] = [];
  for (const model of [t.tensor.model, t.text.model]) {
    const path = `/v1/models/${model}/predict`;
    for (const [name, text] of MALFORMED_JSON) out.push(post(`predict ${model}: malformed JSON (${name})`, path, text));
  }
  const text = `/v1/models/${t.text.model}/predict`;
  const tensor = `/v1/models/${t.tensor.model}/predict`;
  const typed: Array<[string, unknown]> = [
    ['text number', { text: 1 }], ['text null', { text: null }], ['text boolean', { text: true }], ['text array', { text: ['a'] }],
    ['text object', { text: { a: 1 } }], ['texts string', { texts: 'a' }], ['texts empty', { texts: [] }], ['texts numbers', { texts: [1, 2] }],
    ['texts nulls', { texts: [null] }], ['texts nested', { texts: [['a']] }], ['texts 65 items', { texts: Array.from({ length: 65 }, () => 'a') }],
    ['texts 10000 items', { texts: Array.from({ length: 10_000 }, () => 'a') }], ['text and texts', { text: 'a', texts: 1 }], ['no field', { nothing: true }],
    ['inputs on text model', { inputs: { [t.text.idsInput]: [[1]] } }],
  ];
  for (const [name, body] of typed) out.push(post(`predict text: ${name}`, text, JSON.stringify(body)));
  for (const [name, s] of UNUSUAL_STRINGS) {
    out.push(post(`predict text: ${name} string`, text, JSON.stringify({ text: s })));
    out.push(post(`predict text: ${name} strings in a batch`, text, JSON.stringify({ texts: [s, s] })));
  }
  const row = (v: unknown) => Array.from({ length: t.tensor.width }, () => v);
  const tensors: Array<[string, unknown]> = [
    ['inputs null', null], ['inputs array', [[1]]], ['inputs string', 'x'], ['unknown input name', { nope: [row(0)] }], ['no input', {}],
    ['scalar', { input: 1 }], ['flat row', { input: row(0) }], ['too narrow', { input: [[1]] }], ['too wide', { input: [row(0).concat(row(0))] }],
    ['ragged rows', { input: [row(0), [1, 2]] }], ['strings', { input: [row('a')] }], ['nulls', { input: [row(null)] }], ['booleans', { input: [row(true)] }],
    ['objects', { input: [row({})] }], ['float32 overflow 3.4e39', { input: [row(3.4e39)] }], ['negative overflow -1e39', { input: [row(-1e39)] }],
    ['1e308', { input: [row(1e308)] }], ['empty batch', { input: [] }], ['empty row', { input: [[]] }], ['3-D', { input: [[row(0)]] }],
    ['huge batch', { input: Array.from({ length: 3000 }, () => row(0.5)) }], ['deep nesting', { input: JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`) }],
    ['extra input', { input: [row(0)], other: [[1]] }], ['string "NaN"', { input: [row('NaN')] }],
  ];
  for (const [name, inputs] of tensors) out.push(post(`predict tensor: ${name}`, tensor, JSON.stringify({ inputs })));
  const ok = JSON.stringify({ text: 'hello' });
  for (const [name, headers] of [['text/plain', { 'content-type': 'text/plain' }], ['form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }], ['no content-type', {}], ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }]] as const) {
    out.push(post(`predict text: body as ${name}`, text, ok, headers));
  }
  out.push(post('predict text: 2 MB body', text, JSON.stringify({ text: 'a'.repeat(2 * 1024 * 1024) })));
  out.push(post('predict text: binary body', text, Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
  for (const name of BAD_NAMES) out.push(post(`predict: unknown model "${name.slice(0, 24)}"`, `/v1/models/${name}/predict`, ok));
  return out;
}

function oipKinds(t: Targets): BadRequest[] {
  const out: BadRequest[] = [];
  const infer = `/v2/models/${t.tensor.model}/infer`;
  const spec = (o: Record<string, unknown>) => JSON.stringify({ inputs: [{ name: 'input', shape: [1, t.tensor.width], datatype: 'FP32', data: Array.from({ length: t.tensor.width }, () => 0.5), ...o }] });
  const shapes: Array<[string, string]> = [
    ['inputs missing', '{}'], ['inputs empty', '{"inputs":[]}'], ['inputs object', '{"inputs":{}}'], ['input null', '{"inputs":[null]}'], ['input number', '{"inputs":[1]}'],
    ['name missing', spec({ name: undefined })], ['name number', spec({ name: 1 })], ['unknown input', spec({ name: 'nope' })],
    ['shape missing', spec({ shape: undefined })], ['shape string', spec({ shape: '1,8' })], ['negative dim', spec({ shape: [-1, t.tensor.width] })],
    ['fractional dim', spec({ shape: [1.5, t.tensor.width] })], ['shape too big for data', spec({ shape: [2, t.tensor.width] })], ['shape too small', spec({ shape: [1, 1] })],
    ['huge shape', spec({ shape: [1e9, 1e9] })], ['shape of 3', spec({ shape: [1, 1, t.tensor.width] })], ['zero dim', spec({ shape: [0, t.tensor.width] })],
    ['datatype missing', spec({ datatype: undefined })], ['unknown datatype', spec({ datatype: 'FP128' })], ['lowercase datatype', spec({ datatype: 'fp32' })],
    ['wrong datatype INT64', spec({ datatype: 'INT64' })], ['BYTES datatype', spec({ datatype: 'BYTES' })], ['data string', spec({ data: 'abc' })],
    ['data nulls', spec({ data: Array.from({ length: t.tensor.width }, () => null) })], ['data ragged nested', spec({ data: [[1, 2], [3]] })],
    ['float overflow', spec({ data: Array.from({ length: t.tensor.width }, () => 3.4e39) })], ['data objects', spec({ data: [{}] })],
    ['duplicate input', JSON.stringify({ inputs: [JSON.parse(spec({})).inputs[0], JSON.parse(spec({})).inputs[0]] })],
    ['outputs not array', JSON.stringify({ ...JSON.parse(spec({})), outputs: 'logits' })], ['unknown output', JSON.stringify({ ...JSON.parse(spec({})), outputs: [{ name: 'nope' }] })],
    ['id number', JSON.stringify({ ...JSON.parse(spec({})), id: 5 })], ['parameters junk', JSON.stringify({ ...JSON.parse(spec({})), parameters: 'x' })],
  ];
  for (const [name, body] of shapes) out.push(post(`OIP infer: ${name}`, infer, body));
  for (const [name, text] of MALFORMED_JSON.slice(0, 12)) out.push(post(`OIP infer: malformed JSON (${name})`, infer, text));
  const ids = (value: number | string) => JSON.stringify({
    inputs: [
      { name: t.text.idsInput, shape: [1, t.text.length], datatype: 'INT64', data: Array.from({ length: t.text.length }, (_, i) => (i === 1 ? value : 2)) },
      { name: t.text.maskInput, shape: [1, t.text.length], datatype: 'INT64', data: Array.from({ length: t.text.length }, () => 1) },
    ],
  });
  const textInfer = `/v2/models/${t.text.model}/versions/${t.text.variant}/infer`;
  for (const [name, id] of [['vocabulary size', t.text.vocab], ['a million', 1_000_000], ['negative', -1], ['2^53 + 1 as string', '9007199254740993'], ['fraction', 1.5], ['1e30', 1e30]] as const) {
    out.push(post(`OIP infer text: out-of-vocabulary id (${name})`, textInfer, ids(id)));
  }
  for (const name of BAD_NAMES) {
    out.push({ kind: `OIP metadata: unknown model "${name.slice(0, 24)}"`, method: 'GET', path: `/v2/models/${name}` });
    out.push(post(`OIP infer: unknown model "${name.slice(0, 24)}"`, `/v2/models/${name}/infer`, spec({})));
    out.push(post(`OIP infer: unknown version "${name.slice(0, 24)}"`, `/v2/models/${t.tensor.model}/versions/${name}/infer`, spec({})));
    out.push({ kind: `OIP ready: unknown version "${name.slice(0, 24)}"`, method: 'GET', path: `/v2/models/${t.tensor.model}/versions/${name}/ready` });
  }
  return out;
}

function readKinds(t: Targets): BadRequest[] {
  const out: BadRequest[] = [];
  for (const window of ['3w', 'constructor', '__proto__', '', '1h;drop', '%00', 'x'.repeat(5000)]) {
    out.push({ kind: `stats: window "${window.slice(0, 16)}"`, method: 'GET', path: `/v1/models/${t.tensor.model}/stats?window=${window}` });
    out.push({ kind: `metrics: window "${window.slice(0, 16)}"`, method: 'GET', path: `/metrics?window=${window}` });
  }
  for (const name of BAD_NAMES) {
    out.push({ kind: `stats: unknown model "${name.slice(0, 24)}"`, method: 'GET', path: `/v1/models/${name}/stats` });
    out.push({ kind: `ab: unknown model "${name.slice(0, 24)}"`, method: 'GET', path: `/v1/models/${name}/ab` });
  }
  const ab = `/v1/models/${t.text.model}/ab`;
  for (const q of ['a=student', 'a=nope&b=student', 'a=student&b=student', 'minEffectPt=-1', 'minEffectPt=NaN', 'minEffectPt=1e309', 'minLatencyPct=0', 'minLatencyPct=abc', 'window=2w', 'a[]=1&b[]=2']) {
    out.push({ kind: `ab: query ${q}`, method: 'GET', path: `${ab}?${q}` });
  }
  const routes: Array<[string, string]> = [['DELETE', '/v1/models'], ['PATCH', `/v1/models/${t.tensor.model}/predict`], ['GET', `/v1/models/${t.tensor.model}/predict`], ['PUT', '/v1/feedback'], ['GET', '/nope'], ['GET', '/v1/models/a/b/c/d'], ['GET', `/v2/models/${t.tensor.model}/infer`], ['GET', `/${'x'.repeat(8000)}`], ['GET', '/v1/models/..%2F..%2Fadmin']];
  for (const [method, path] of routes) {
    out.push({ kind: `route: ${method} ${path.slice(0, 40)}`, method, path });
  }
  return out;
}

function feedbackKinds(t: Targets): BadRequest[] {
  const out: BadRequest[] = [];
  const bodies: Array<[string, unknown]> = [
    ['no request id', { label: 'spam' }], ['request id number', { requestId: 1, label: 'spam' }], ['forged request id', { requestId: 'eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA', label: 'spam' }],
    ['tampered request id', { requestId: `${t.requestId.slice(0, -2)}AA`, label: 'spam' }], ['huge request id', { requestId: 'a.'.repeat(10_000), label: 'spam' }],
    ['request id without signature', { requestId: t.requestId.split('.')[0], label: 'spam' }], ['label not of the model', { requestId: t.requestId, label: 'SPAM' }],
    ['label number', { requestId: t.requestId, label: 1 }], ['label empty', { requestId: t.requestId, label: '' }], ['label huge', { requestId: t.requestId, label: 'x'.repeat(5000) }],
    ['item negative', { requestId: t.requestId, label: 'spam', item: -1 }], ['item fraction', { requestId: t.requestId, label: 'spam', item: 0.5 }],
    ['item out of range', { requestId: t.requestId, label: 'spam', item: 5 }], ['item string', { requestId: t.requestId, label: 'spam', item: '0' }],
  ];
  for (const [name, body] of bodies) out.push(post(`feedback: ${name}`, '/v1/feedback', JSON.stringify(body)));
  for (const [name, text] of MALFORMED_JSON.slice(0, 10)) out.push(post(`feedback: malformed JSON (${name})`, '/v1/feedback', text));
  out.push(post('feedback: 1 MB body', '/v1/feedback', JSON.stringify({ requestId: t.requestId, label: 'a'.repeat(1024 * 1024) })));
  return out;
}

/** Uploads and admin bodies with the right token: bad forms, manifests, models and weights. */
function adminBodyKinds(t: Targets): BadRequest[] {
  const auth = { authorization: `Bearer ${t.token}` };
  const out: BadRequest[] = [];
  const upload = `/admin/models/${t.tensor.model}/variants/rel-bad`;
  const manifest = { model: t.tensor.model, variant: 'rel-bad', task: 'tensor', sha256: '0'.repeat(64), bytes: 4, inputs: [], outputs: [] };
  const form = (parts: Record<string, string | Uint8Array>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(parts)) {
      if (typeof v === 'string') f.append(k, v);
      else f.append(k, new Blob([v]), 'model.onnx');
    }
    return f;
  };
  const garbage = Uint8Array.from({ length: 256 }, (_, i) => i);
  const uploads: Array<[string, string | FormData, Record<string, string>?]> = [
    ['JSON body', '{"model":"x"}', JSON_HEADERS], ['empty form', form({})], ['model only', form({ model: garbage })], ['manifest only', form({ manifest: JSON.stringify(manifest) })],
    ['manifest not JSON', form({ model: garbage, manifest: '{' })], ['manifest of another model', form({ model: garbage, manifest: JSON.stringify({ ...manifest, model: 'other' }) })],
    ['garbage model bytes', form({ model: garbage, manifest: JSON.stringify(manifest) })], ['empty model file', form({ model: new Uint8Array(0), manifest: JSON.stringify(manifest) })],
    ['weight not a number', form({ model: garbage, manifest: JSON.stringify(manifest), weight: 'lots' })], ['weight 101', form({ model: garbage, manifest: JSON.stringify(manifest), weight: '101' })],
    ['manifest array', form({ model: garbage, manifest: '[]' })], ['manifest huge labels', form({ model: garbage, manifest: JSON.stringify({ ...manifest, postprocess: { labels: Array.from({ length: 100_000 }, (_, i) => `l${i}`) } }) })],
  ];
  for (const [name, body, headers] of uploads) out.push({ kind: `admin upload: ${name}`, method: 'PUT', path: upload, headers: { ...auth, ...(headers ?? {}) }, body });
  out.push({ kind: 'admin upload: bad variant name', method: 'PUT', path: `/admin/models/${t.tensor.model}/variants/BAD%20NAME`, headers: auth, body: form({ model: garbage, manifest: JSON.stringify(manifest) }) });
  const traffic = `/admin/models/${t.tensor.model}/traffic`;
  const weights: Array<[string, unknown]> = [
    ['not JSON', '{'], ['no weights', {}], ['weights array', { weights: [50, 50] }], ['sum 99', { weights: { [t.tensor.variant]: 99 } }], ['negative', { weights: { [t.tensor.variant]: 150, other: -50 } }],
    ['fraction', { weights: { [t.tensor.variant]: 99.5, int8: 0.5 } }], ['unknown variant', { weights: { nope: 100 } }], ['string weight', { weights: { [t.tensor.variant]: '100' } }],
    ['__proto__ variant', JSON.parse('{"weights":{"__proto__":100}}')], ['huge weight', { weights: { [t.tensor.variant]: 1e300 } }],
  ];
  for (const [name, body] of weights) out.push({ kind: `admin traffic: ${name}`, method: 'PUT', path: traffic, headers: { ...auth, ...JSON_HEADERS }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  for (const [name, body] of [['promote unknown', { variant: 'nope' }], ['promote number', { variant: 1 }], ['promote nothing', {}]] as const) {
    out.push({ kind: `admin ${name}`, method: 'POST', path: `/admin/models/${t.tensor.model}/promote`, headers: { ...auth, ...JSON_HEADERS }, body: JSON.stringify(body) });
  }
  out.push({ kind: 'admin rollback unknown model', method: 'POST', path: '/admin/models/nope/rollback', headers: auth });
  out.push({ kind: 'admin delete variant with traffic', method: 'DELETE', path: `/admin/models/${t.tensor.model}/variants/${t.tensor.variant}`, headers: auth });
  out.push({ kind: 'admin delete unknown variant', method: 'DELETE', path: `/admin/models/${t.tensor.model}/variants/nope`, headers: auth });
  return out;
}

/** Wrong or missing credentials on every admin and dashboard route: sent last, as they lock this client out. */
export function badTokenKinds(t: Targets): BadRequest[] {
  const out: BadRequest[] = [];
  const routes: Array<[string, string]> = [
    ['PUT', `/admin/models/${t.tensor.model}/variants/x`], ['PUT', `/admin/models/${t.tensor.model}/traffic`], ['POST', `/admin/models/${t.tensor.model}/promote`],
    ['POST', `/admin/models/${t.tensor.model}/rollback`], ['DELETE', `/admin/models/${t.tensor.model}/variants/${t.tensor.variant}`], ['GET', '/dashboard/data'], ['GET', `/dashboard/ab?model=${t.tensor.model}`],
  ];
  const credentials: Array<[string, Record<string, string>]> = [
    ['no token', {}], ['empty bearer', { authorization: 'Bearer ' }], ['wrong token', { authorization: 'Bearer wrong-token' }],
    ['token prefix', { authorization: `Bearer ${t.token.slice(0, -1)}` }], ['token plus a character', { authorization: `Bearer ${t.token}x` }],
    ['basic auth', { authorization: `Basic ${btoa(`admin:${t.token}`)}` }], ['huge token', { authorization: `Bearer ${'a'.repeat(8000)}` }],
    ['forged session cookie', { cookie: `pare_dashboard=${Date.now() + 1e9}.${'0'.repeat(64)}` }],
  ];
  for (const [method, path] of routes) for (const [name, headers] of credentials) out.push({ kind: `auth: ${method} ${path.split('?')[0]} with ${name}`, method, path, headers: { ...JSON_HEADERS, ...headers }, body: method === 'GET' ? undefined : '{}' });
  const login = (body: string, headers: Record<string, string> = {}) => ({ method: 'POST', path: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  out.push({ kind: 'dashboard login without CSRF', ...login(`token=${t.token}`) });
  out.push({ kind: 'dashboard login with forged CSRF', ...login(`csrf=${'0'.repeat(64)}&token=x`, { cookie: `pare_csrf=${'1'.repeat(64)}` }) });
  out.push({ kind: 'dashboard login as JSON', ...login(JSON.stringify({ token: t.token }), { 'content-type': 'application/json' }) });
  out.push({ kind: 'dashboard logout cross-site', method: 'POST', path: '/dashboard/logout', headers: { origin: 'https://evil.example' } });
  out.push({ kind: 'dashboard logout by GET', method: 'GET', path: '/dashboard/logout' });
  return out;
}

export function badInputs(t: Targets): BadRequest[] {
  return [...predictKinds(t), ...oipKinds(t), ...readKinds(t), ...feedbackKinds(t), ...adminBodyKinds(t)];
}
