import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// Setup file: bring the local D1 to the schema of infra/migrations before each test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
