import type { z } from 'zod';
import { PareError } from '@pare/errors';
import { checkWire } from '../http/checkWire';
import { fetchFailure, serviceError } from '../http/serviceError';
import { jobListWire, jobRecordWire, jobWithLogsWire, type JobEvent, type JobRecord, type JobState, type JobWithLogs } from '../wire/jobRecordWire';
import type { JobSpecInput, JobType } from '../wire/jobSpecWire';
import { followJobEvents, type FollowOptions } from './followJobEvents';

// Client of the origin's job API (apps/origin/src/http/app.ts): submit, list, get, cancel, follow the events
// stream, download artifacts. Every request carries the origin's bearer token. Errors from the origin come
// back as PareError with the origin's code and message; an answer that is not the wire's shape is `origin_protocol`.

export const DEFAULT_ORIGIN = 'http://127.0.0.1:8788';

export interface JobListFilter {
  state?: JobState | string;
  type?: JobType | string;
  limit?: number;
}

const segment = encodeURIComponent;

export interface OriginClientOptions {
  /** The origin's API token (its PARE_ORIGIN_TOKEN), sent as `Authorization: Bearer <token>`. */
  token?: string;
}

export class OriginClient {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(base: string, options: OriginClientOptions = {}) {
    this.base = base.replace(/\/+$/, '');
    this.token = options.token;
  }

  /** POST /jobs; the origin checks the spec and answers 400 `invalid_job_spec` naming the field at fault. */
  submit(spec: JobSpecInput): Promise<JobRecord> {
    return this.json('/jobs', jobRecordWire, { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  }

  async list(filter: JobListFilter = {}): Promise<JobRecord[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) params.set(key, String(value));
    return (await this.json(`/jobs${params.size ? `?${params}` : ''}`, jobListWire)).jobs;
  }

  get(id: string): Promise<JobWithLogs> {
    return this.json(`/jobs/${segment(id)}`, jobWithLogsWire);
  }

  cancel(id: string): Promise<JobWithLogs> {
    return this.json(`/jobs/${segment(id)}/cancel`, jobWithLogsWire, { method: 'POST' });
  }

  /** One artifact of a job (model.onnx, predictions.jsonl…) as bytes. */
  async artifact(id: string, name: string): Promise<Uint8Array> {
    const response = await this.fetch(`/jobs/${segment(id)}/artifacts/${segment(name)}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /**
   * Follow a job's server-sent events until it settles; resolves with the settled job. A dropped connection or
   * a restarting origin is reconnected to, resuming after the last event (./followJobEvents.ts).
   */
  follow(id: string, onEvent: (event: JobEvent) => void, options: FollowOptions = {}): Promise<JobRecord> {
    const open = (lastEventId: string | undefined, signal: AbortSignal | undefined) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      return this.fetch(`/jobs/${segment(id)}/events`, { signal, headers });
    };
    return followJobEvents(id, open, onEvent, options);
  }

  private async json<S extends z.ZodType>(path: string, wire: S, init?: RequestInit): Promise<z.output<S>> {
    const response = await this.fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.headers as Record<string, string> | undefined) } });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new PareError('origin_protocol', `${init?.method ?? 'GET'} ${path}: the origin answered something that is not JSON: ${text.slice(0, 200)}`, { cause });
    }
    return checkWire(wire, body, { code: 'origin_protocol', what: `${init?.method ?? 'GET'} ${path}` });
  }

  private async fetch(path: string, init?: RequestInit): Promise<Response> {
    let response: Response;
    try {
      const headers = new Headers(init?.headers);
      if (this.token) headers.set('authorization', `Bearer ${this.token}`);
      response = await fetch(`${this.base}${path}`, { ...init, headers });
    } catch (cause) {
      throw new PareError('origin_unreachable', `Cannot reach the origin at ${this.base} (${fetchFailure(cause)}). Start it with \`npm run origin\` or pass --origin <url>.`, { cause });
    }
    if (!response.ok) throw serviceError(response.status, await response.text(), { code: 'origin_error', message: `The origin answered HTTP ${response.status}.` });
    return response;
  }
}
