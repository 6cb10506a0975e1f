// A closed-loop load: `concurrency` clients each send the next prediction when the last one is answered, for
// `seconds`. Unlike a load tool that stops mid-flight, every request it sends is either answered (counted, with
// its latency) or refused by a worker that is down: the answered count is exact, which the events must match.
import type { LocalWorker } from '../../infra/localEdgeWorker';

export interface LoopResult {
  answered: number;
  non2xx: number;
  refused: number;
  latenciesMs: number[];
  seconds: number;
}

export async function closedLoop(worker: LocalWorker, model: string, body: string, options: { seconds: number; concurrency: number; midway?: () => Promise<void> }): Promise<LoopResult> {
  const result: LoopResult = { answered: 0, non2xx: 0, refused: 0, latenciesMs: [], seconds: options.seconds };
  let running = true;
  const client = async (c: number) => {
    for (let i = 0; running; i++) {
      const started = performance.now();
      try {
        const response = await fetch(`${worker.url}/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pare-unit': `loop${c}-${i}` }, body });
        await response.arrayBuffer();
        result.answered++;
        if (response.status !== 200) result.non2xx++;
        result.latenciesMs.push(performance.now() - started);
      } catch {
        // The worker is down: refused or reset. Nothing answered, so nothing is owed an event.
        result.refused++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const began = performance.now();
  const clients = Array.from({ length: options.concurrency }, (_, c) => client(c));
  const half = (options.seconds * 1000) / 2;
  await new Promise((r) => setTimeout(r, half));
  await options.midway?.();
  await new Promise((r) => setTimeout(r, Math.max(0, options.seconds * 1000 - (performance.now() - began))));
  running = false;
  await Promise.all(clients);
  result.seconds = (performance.now() - began) / 1000;
  return result;
}
