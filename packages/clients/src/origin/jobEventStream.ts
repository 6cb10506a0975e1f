import { PareError } from '@pare/errors';
import { checkWire } from '../http/checkWire';
import { jobEventWires, type JobEvent } from '../wire/jobRecordWire';

// Reads the server-sent events of `GET /jobs/:id/events` (apps/origin/src/http/jobEventsStream.ts): blocks
// separated by a blank line, `event:` and `data:` lines; comment lines (keep-alives) and unknown events are skipped.

export async function* readJobEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<JobEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
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
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0 || !Object.hasOwn(jobEventWires, event)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data.join('\n'));
  } catch (cause) {
    throw new PareError('origin_protocol', `The origin sent a "${event}" event whose data is not JSON.`, { cause });
  }
  const name = event as JobEvent['event'];
  return { event: name, data: checkWire(jobEventWires[name], json, { code: 'origin_protocol', what: `The origin's "${name}" event` }) } as JobEvent;
}
