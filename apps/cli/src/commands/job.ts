// `pare job <id>`: one job's state, metrics, artifacts and log; `--follow` watches it settle with a progress
// bar, `--cancel` cancels it, `--download` saves an artifact.
import type { Command } from 'commander';
import { isPareErrorCode, PareError } from '@pare/errors';
import type { OriginClient, JobRecord, JobWithLogs } from '@pare/clients';
import { writeFileAtomic } from '../shared/modelFile';
import { originClient } from '../shared/originClient';
import { createProgress } from '../shared/progress';

interface JobFlags {
  origin?: string;
  originToken?: string;
  follow?: boolean;
  cancel?: boolean;
  logs?: boolean;
  download?: string;
  output?: string;
  json?: boolean;
}

export function registerJob(program: Command): void {
  program
    .command('job')
    .description('Show one origin job; --follow waits for it with a progress bar, --cancel cancels it')
    .argument('<id>', 'the job id (from `pare jobs` or the submitting command)')
    .option('--origin <url>', 'origin service URL (default $PARE_ORIGIN or http://127.0.0.1:8788)')
    .option('--origin-token <token>', 'origin API token (default $PARE_ORIGIN_TOKEN; for a local origin, .pare/origin.token from `npm run origin`)')
    .option('--follow', 'follow the job until it settles; exits non-zero when it fails or is cancelled')
    .option('--cancel', 'cancel the job (queued: at once; running: at its next check)')
    .option('--logs', 'print every log line (default: the last 10)')
    .option('--download <artifact>', 'save one of the job\'s artifacts (e.g. student.onnx) to --output or ./<artifact>')
    .option('-o, --output <file>', 'where --download writes')
    .option('--json', 'print one JSON object')
    .action(async (id: string, flags: JobFlags) => {
      const client = originClient(flags);
      if (flags.cancel) await client.cancel(id);
      if (flags.follow) await followJob(client, id, { json: flags.json ?? false });
      const job = await client.get(id);
      if (flags.follow) requireSuccess(job);
      if (flags.download) {
        const bytes = await client.artifact(id, flags.download);
        const file = flags.output ?? flags.download;
        await writeFileAtomic(file, bytes);
        process.stdout.write(flags.json ? `${JSON.stringify({ id, artifact: flags.download, file, bytes: bytes.byteLength })}\n` : `wrote ${file} (${bytes.byteLength} bytes)\n`);
        return;
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(job)}\n`);
      else process.stdout.write(describeJob(job, flags.logs ? Infinity : 10));
    });
}

/**
 * Watch a job's events: a progress bar on a terminal, warnings and errors on stderr; resolves when it settles.
 * A lost connection (the origin restarting, Redis briefly away) is said once and reconnected to.
 */
export async function followJob(client: OriginClient, id: string, options: { json: boolean }): Promise<JobRecord> {
  const progress = createProgress(!options.json);
  progress.start(100, 'queued');
  try {
    return await client.follow(id, (event) => {
      if (event.event === 'progress') progress.update(Math.round(event.data.progress * 100), event.data.message ?? event.data.state);
      else if (event.event === 'log' && event.data.level !== 'info' && !options.json) process.stderr.write(`\n${event.data.level}: ${event.data.message}\n`);
    }, {
      onReconnecting: (why) => process.stderr.write(`\npare: lost the origin (${why}); reconnecting…\n`),
    });
  } finally {
    progress.stop();
  }
}

/** A followed job that did not succeed makes the command fail with the job's own message. */
export function requireSuccess(job: JobRecord): void {
  if (job.state === 'failed') throw new PareError(isPareErrorCode(job.error?.code) ? job.error.code : 'job_failed', `Job ${job.id} failed: ${job.error?.message ?? 'no message'}`);
  if (job.state === 'cancelled') throw new PareError('job_cancelled', `Job ${job.id} was cancelled.`);
  // The events stream closed before the job settled (origin restarted, proxy timeout): not a success.
  if (job.state !== 'succeeded') {
    throw new PareError('job_unsettled', `Job ${job.id} is still ${job.state}: the origin's event stream closed before it settled. Keep following it with \`pare job ${job.id} --follow\`.`);
  }
}

export function describeJob(job: JobWithLogs, logLines: number): string {
  const lines = [
    `${job.id}  ${job.type}  ${job.state}  ${Math.round(job.progress * 100)}%${job.message ? `  (${job.message})` : ''}`,
    `created ${job.createdAt}${job.startedAt ? `, started ${job.startedAt}` : ''}${job.finishedAt ? `, finished ${job.finishedAt}` : ''}; attempt ${job.attempts} of ${job.maxAttempts}`,
  ];
  if (job.error) lines.push(`error: ${job.error.message} (${job.error.code})`);
  const scalars = Object.entries(job.metrics).filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean');
  if (scalars.length) {
    lines.push('metrics:');
    for (const [k, v] of scalars) lines.push(`  ${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`);
  }
  if (job.artifacts.length) {
    lines.push('artifacts:');
    for (const a of job.artifacts) lines.push(`  ${a.name} (${a.bytes} bytes)  GET /jobs/${job.id}/artifacts/${a.name}`);
  }
  const logs = job.logs.slice(-logLines);
  if (logs.length) {
    lines.push(logs.length < job.logs.length ? `log (last ${logs.length} of ${job.logs.length}; --logs for all):` : 'log:');
    for (const l of logs) lines.push(`  ${l.at.slice(11, 19)} ${l.level.padEnd(5)} ${l.message}`);
  }
  return `${lines.join('\n')}\n`;
}
