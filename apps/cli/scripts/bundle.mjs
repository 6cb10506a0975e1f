// Build `pare` ahead to JavaScript (dist/pare.js and one chunk per command, loaded only when that command runs,
// src/commands/index.ts), so a run starts without compiling TypeScript or loading onnxruntime it does not use. The
// workspace packages (@pare/*, TypeScript sources) are bundled in. Every other package stays an import from
// node_modules, of the very file the sources resolve (a workspace's own node_modules included), written as a
// path relative to dist/ so the checkout can move. Runs from `npm install` (root prepare), `npm test`, `npm run dev`.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const here = path.dirname(new URL(import.meta.url).pathname);
const outdir = path.join(here, '../dist');
const BUNDLED = /^@pare\//;

// Chunk names carry a content hash: without emptying dist/ first, every rebuild would leave the old ones behind.
// A `pare` started meanwhile finds no bundle and runs from source (bin/pare.js).
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { pare: path.join(here, '../src/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'external-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (BUNDLED.test(args.path) || args.pluginData?.resolving) return undefined;
          const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { resolving: true } });
          if (resolved.errors.length > 0 || resolved.external || !path.isAbsolute(resolved.path)) return { path: args.path, external: true };
          const relative = path.relative(outdir, resolved.path).split(path.sep).join('/');
          return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
        });
      },
    },
  ],
});
