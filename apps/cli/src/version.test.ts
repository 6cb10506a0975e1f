import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PARE_VERSION } from './version';

it('is the version in package.json', () => {
  expect(PARE_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});
