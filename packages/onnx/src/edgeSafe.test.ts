// The edge worker bundles @pare/onnx: everything outside src/node must stay on web-standard APIs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('no module of the main entry imports Node built-ins', () => {
  const src = path.dirname(fileURLToPath(import.meta.url));
  const offenders = readdirSync(src)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) => /from ['"](node:|fs['"]|path['"]|os['"]|crypto['"])/.test(readFileSync(path.join(src, f), 'utf8')));
  expect(offenders).toEqual([]);
});
