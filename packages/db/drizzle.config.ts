import { defineConfig } from 'drizzle-kit';

// Migrations for D1 are generated from the schema files (src/schema.ts; src/feedbackSchema.ts for A/B feedback) into infra/migrations (applied by wrangler, the dev command and the tests).
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/schema.ts', './src/feedbackSchema.ts'],
  out: '../../infra/migrations',
});
