// @pare/runtime is the one seam to onnxruntime: no source file outside packages/runtime may import or
// require an onnxruntime package (comments and strings naming the product are fine).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const WALKED = ['apps', 'packages', 'infra', 'bench'];
const SKIPPED = new Set(['node_modules', '.wrangler', '.turbo', 'dist', '.git']);
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]onnxruntime-[\w./-]*['"]/m;

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(full);
    return /\.(?:[cm]?ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

describe('onnxruntime imports', () => {
  it('appear in no source file outside packages/runtime', () => {
    const runtimeDir = path.join(root, 'packages', 'runtime') + path.sep;
    const files = WALKED.flatMap((top) => sourceFiles(path.join(root, top)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((file) => !file.startsWith(runtimeDir))
      .filter((file) => IMPORT.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('are recognised in import, dynamic import and require forms', () => {
    for (const line of ["import * as ort from 'onnxruntime-node';", "const o = await import('onnxruntime-web');", 'const o = require("onnxruntime-common");', "import 'onnxruntime-web/wasm';", "export { Tensor } from 'onnxruntime-web';"]) {
      expect(IMPORT.test(line), line).toBe(true);
    }
    expect(IMPORT.test("// the one module that imports onnxruntime-node")).toBe(false);
  });
});
