import { defineConfig } from 'drizzle-kit';

// Migrations for D1 are generated from src/schema.ts into infra/migrations (applied by wrangler, the dev command and the tests).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: '../../infra/migrations',
});
