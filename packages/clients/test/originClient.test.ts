import { afterEach, expect, test } from 'vitest';
import { OriginClient } from '../src/origin/originClient';
import type { JobEvent, JobRecord, JobWithLogs } from '../src/wire/index';
import { json, startServer, type TestServer } from './httpServer';

// OriginClient on the wire: the events stream's framing and the origin's odd answers. Its calls against a
// real origin are tested in apps/origin (src/http/jobApiClient.test.ts).

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const job: JobRecord = {
  id: 'j1', type: 'compress', spec: { type: 'compress', model: 'm.onnx', options: {}, calibrationLimit: 256 }, state: 'succeeded', progress: 1, message: null,
  metrics: {}, artifacts: [], error: null, attempts: 1, maxAttempts: 3, cancelRequested: false, workerId: 'w', createdAt: 'c', updatedAt: 'u', startedAt: 's', finishedAt: 'f',
};
const withLogs: JobWithLogs = { ...job, logs: [] };

test('follows events split across chunks, skipping keep-alives and unknown events, until `end`', async () => {
  server = await startServer((_request, _body, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const text = [
      ': keep-alive\n\n',
      'event: progress\ndata: {"id":"j1","state":"running","progress":0.5,"message":"half"}\n\n',
      'event: other\ndata: {}\n\n',
      `event: log\ndata: {"at":"2026-01-01T00:00:00.000Z","level":"warn","message":"careful"}\n\nevent: end\ndata: ${JSON.stringify(job)}\n\n`,
    ].join('');
    // Split mid-line, so events are put together across chunks.
    let at = 0;
    const next = (): void => {
      if (at >= text.length) return void response.end();
      response.write(text.slice(at, at + 50));
      at += 50;
      setImmediate(next);
    };
    next();
  });
  const events: JobEvent[] = [];
  const settled = await new OriginClient(server.url).follow('j1', (e) => events.push(e));
  expect(settled).toEqual(job);
  expect(events.map((e) => e.event)).toEqual(['progress', 'log', 'end']);
  expect(events[0]!.data).toMatchObject({ progress: 0.5, message: 'half' });
});

test('a stream that closes before `end` is opened again from the last event id, until `end`', async () => {
  const lastIds: Array<string | undefined> = [];
  server = await startServer((request, _body, response) => {
    lastIds.push(request.headers['last-event-id'] as string | undefined);
    if (lastIds.length === 1) response.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: progress\ndata: {"id":"j1","state":"running","progress":0.1,"message":null}\nid: 3\n\n');
    else if (lastIds.length === 2) response.writeHead(503).end(); // the origin restarting
    else response.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: end\ndata: ${JSON.stringify(job)}\nid: 3\n\n`);
  });
  const why: string[] = [];
  expect(await new OriginClient(server.url).follow('j1', () => {}, { onReconnecting: (w) => why.push(w) })).toEqual(job);
  expect(lastIds).toEqual([undefined, '3', '3']);
  expect(why).toEqual(['the events stream closed before the job settled']);
});

test('an event or answer that is not the wire shape is origin_protocol', async () => {
  server = await startServer((request, _body, response) => {
    if (request.url === '/jobs/j1/events') response.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: progress\ndata: {"id":"j1","state":"sleeping"}\n\n');
    else if (request.url === '/jobs') json(response, 200, { jobs: [{ ...job, state: 'done' }] });
    else response.writeHead(200).end('not json');
  });
  const client = new OriginClient(server.url);
  await expect(client.follow('j1', () => {})).rejects.toMatchObject({ code: 'origin_protocol', message: expect.stringContaining('state') });
  await expect(client.list()).rejects.toMatchObject({ code: 'origin_protocol', message: expect.stringContaining('jobs.0.state') });
  await expect(client.get('j2')).rejects.toMatchObject({ code: 'origin_protocol', message: expect.stringContaining('not JSON') });
});

test("an error without the origin's error body is origin_error with the status", async () => {
  server = await startServer((_request, _body, response) => response.writeHead(503).end());
  await expect(new OriginClient(server.url).cancel('j1')).rejects.toMatchObject({ code: 'origin_error', status: 503, message: 'The origin answered HTTP 503.' });
});

test('every request, the events stream and artifacts included, carries the bearer token', async () => {
  const seen: Array<string | undefined> = [];
  server = await startServer((request, _body, response) => {
    seen.push(request.headers.authorization);
    if (request.url === '/jobs/j1/events') response.writeHead(200, { 'content-type': 'text/event-stream' }).end(`event: end\ndata: ${JSON.stringify(job)}\n\n`);
    else if (request.url === '/jobs/j1/artifacts/a.bin') response.writeHead(200).end('bytes');
    else if (request.url === '/jobs') json(response, request.method === 'POST' ? 201 : 200, request.method === 'POST' ? job : { jobs: [job] });
    else json(response, 200, withLogs);
  });
  const client = new OriginClient(server.url, { token: 'tok-123' });
  await client.submit({ type: 'compress', model: 'm.onnx' });
  await client.list();
  await client.get('j1');
  await client.cancel('j1');
  await client.artifact('j1', 'a.bin');
  await client.follow('j1', () => {});
  expect(seen).toEqual(Array(6).fill('Bearer tok-123'));
  seen.length = 0;
  await new OriginClient(server.url).list();
  expect(seen).toEqual([undefined]);
});
