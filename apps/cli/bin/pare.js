#!/usr/bin/env node
// Entry of the `pare` command: the bundle `npm run build -w @pare/cli` writes (dist/pare.js). A checkout that has
// not built it yet (or PARE_CLI_FROM_SOURCE=1 while editing) runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/pare.js', import.meta.url);
let main;
if (existsSync(bundle) && !process.env.PARE_CLI_FROM_SOURCE) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv);
