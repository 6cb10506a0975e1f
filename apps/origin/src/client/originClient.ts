import { PareError } from '@pare/errors';
import type { JobLogLine, JobRecord, JobState, JobWithLogs } from '../jobs/jobRecord';

// A small client for the origin's job API, used by the `pare` CLI (jobs, job, distill). Web-standard fetch
// only; errors from the origin come back as PareError with the origin's code and message.

export type { JobLogLine, JobRecord, JobState, JobWithLogs };

export const DEFAULT_ORIGIN = 'http://127.0.0.1:8788';

/** --origin, then PARE_ORIGIN, then the local default. */
export function originUrl(flag?: string): string {
  return (flag ?? process.env.PARE_ORIGIN ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
}

export interface JobProgressEvent {
  id: string;
  state: JobState;
  progress: number;
  message: string | null;
}

export type JobEvent =
  | { event: 'progress'; data: JobProgressEvent }
  | { event: 'log'; data: JobLogLine }
  | { event: 'end'; data: JobRecord };

export class OriginClient {
  constructor(readonly base: string) {}

  submit(spec: Record<string, unknown>): Promise<JobRecord> {
    return this.request('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  }

  async list(query: { state?: string; type?: string; limit?: number } = {}): Promise<JobRecord[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const body = await this.request<{ jobs: JobRecord[] }>(`/jobs${params.size ? `?${params}` : ''}`);
    return body.jobs;
  }

  get(id: string): Promise<JobWithLogs> {
    return this.request(`/jobs/${encodeURIComponent(id)}`);
  }

  cancel(id: string): Promise<JobWithLogs> {
    return this.request(`/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  }

  /** One artifact of a job (model.onnx, predictions.jsonl…) as bytes. */
  async artifact(id: string, name: string): Promise<Uint8Array> {
    const response = await this.fetch(`/jobs/${encodeURIComponent(id)}/artifacts/${encodeURIComponent(name)}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Follow a job's server-sent events until it settles; resolves with the settled job. */
  async follow(id: string, onEvent: (event: JobEvent) => void, signal?: AbortSignal): Promise<JobRecord> {
    const response = await this.fetch(`/jobs/${encodeURIComponent(id)}/events`, { signal, headers: { accept: 'text/event-stream' } });
    if (!response.body) throw new PareError('origin_protocol', 'The origin sent an events response without a body.');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = parseEvent(block);
        if (!event) continue;
        onEvent(event);
        if (event.event === 'end') return event.data;
      }
    }
    // The stream closed before the end event (origin restarted, proxy timeout): read the job instead.
    return this.get(id);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, init).catch((cause: unknown) => {
      throw new PareError('origin_unreachable', `Cannot reach the origin at ${this.base} (${cause instanceof Error ? (cause.cause as Error | undefined)?.message ?? cause.message : String(cause)}). Start it with \`npm run origin\` or pass --origin <url>.`, { cause });
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      throw new PareError(body?.error?.code ?? 'origin_error', body?.error?.message ?? `The origin answered HTTP ${response.status}.`, { status: response.status });
    }
    return response;
  }
}

function parseEvent(block: string): JobEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0 || !['progress', 'log', 'end'].includes(event)) return undefined;
  return { event, data: JSON.parse(data.join('\n')) } as JobEvent;
}
