import { PareError } from '@pare/errors';
import { checkWire } from '../http/checkWire';
import { jobEventWires, type JobEvent } from '../wire/jobRecordWire';

// Reads the server-sent events of `GET /jobs/:id/events` (apps/origin/src/http/jobEventsStream.ts): blocks
// separated by a blank line, `event:`, `data:` and `id:` lines; comment lines (keep-alives) and unknown events are
// skipped. A connection that drops mid-stream is `origin_unreachable` (the platform's own error is a bare
// `TypeError: terminated`), so a follower can tell it from a protocol error and reconnect.

export async function* readJobEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<JobEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((cause: unknown) => {
        throw new PareError('origin_unreachable', `The connection to the origin dropped mid-stream (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
      });
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, boundary));
        buffer = buffer.slice(boundary + 2);
        if (event) yield event;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseEvent(block: string): JobEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    else if (line.startsWith('id:')) id = line.slice(3).trim();
  }
  if (data.length === 0 || !Object.hasOwn(jobEventWires, event)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data.join('\n'));
  } catch (cause) {
    throw new PareError('origin_protocol', `The origin sent a "${event}" event whose data is not JSON.`, { cause });
  }
  const name = event as JobEvent['event'];
  const checked = checkWire(jobEventWires[name], json, { code: 'origin_protocol', what: `The origin's "${name}" event` });
  return (id === undefined ? { event: name, data: checked } : { event: name, data: checked, id }) as JobEvent;
}
