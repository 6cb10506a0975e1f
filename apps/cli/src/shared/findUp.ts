// Local files (.dev.vars, .pare/origin.token) are found from any folder of the repository, as git finds .git:
// the first folder from the working directory up that has the file.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findUp(relative: string, from = process.cwd()): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
