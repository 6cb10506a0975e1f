// `pare jobs`: the origin's jobs, newest first, as a table or JSON.
import type { Command } from 'commander';
import Table from 'cli-table3';
import { PareError } from '@pare/errors';
import type { JobRecord } from '@pare/clients';
import { originClient } from '../shared/originClient';

interface JobsFlags {
  origin?: string;
  originToken?: string;
  state?: string;
  type?: string;
  limit: string;
  json?: boolean;
}

export function registerJobs(program: Command): void {
  program
    .command('jobs')
    .description('List the jobs of an origin service (distill, batch-infer, evaluate, compress)')
    .option('--origin <url>', 'origin service URL (default $PARE_ORIGIN or http://127.0.0.1:8788)')
    .option('--origin-token <token>', 'origin API token (default $PARE_ORIGIN_TOKEN; for a local origin, .pare/origin.token from `npm run origin`)')
    .option('--state <state>', 'only jobs in this state: queued | running | succeeded | failed | cancelled')
    .option('--type <type>', 'only jobs of this type: distill | batch-infer | evaluate | compress')
    .option('--limit <n>', 'at most this many jobs', '20')
    .option('--json', 'print one JSON object')
    .action(async (flags: JobsFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new PareError('option_invalid', `--limit must be a positive integer; got "${flags.limit}".`);
      const jobs = await originClient(flags).list({ state: flags.state, type: flags.type, limit });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ jobs })}\n`);
        return;
      }
      if (jobs.length === 0) {
        process.stdout.write('No jobs.\n');
        return;
      }
      process.stdout.write(`${jobsTable(jobs)}\n`);
    });
}

function jobsTable(jobs: JobRecord[]): string {
  const table = new Table({ head: ['id', 'type', 'state', 'progress', 'created', 'note'], style: { head: [], border: [] } });
  for (const job of jobs) {
    const note = job.error?.message ?? job.message ?? '';
    table.push([job.id, job.type, job.state, `${Math.round(job.progress * 100)}%`, job.createdAt.replace('T', ' ').slice(0, 19), note.length > 60 ? `${note.slice(0, 57)}...` : note]);
  }
  return table.toString();
}
