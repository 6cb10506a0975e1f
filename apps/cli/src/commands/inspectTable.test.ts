// The text report without spawning the CLI: warnings for what the codec could not represent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { inspectModel } from './inspect';
import { formatBytes, inspectText } from './inspectTable';

const dir = mkdtempSync(path.join(tmpdir(), 'pare-inspect-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('warns about fields the schema does not know, naming where they are', async () => {
  const b = new GraphBuilder('g');
  const x = b.input('x', 'float32', ['N', 4]);
  b.output(b.op('MatMul', [x, b.initializer('w', 'float32', [4, 2], [0, 0, 0, 0, 1, 2, 3, 4])]), 'float32', ['N', 2]);
  // Field 99 (varint 1) appended at the model level, as a newer exporter might write it.
  const bytes = new Uint8Array([...encodeModel(b.build()), 0x98, 0x06, 0x01]);
  const file = path.join(dir, 'extra.onnx');
  writeFileSync(file, bytes);
  const report = await inspectModel(file);
  expect(report.unknownFields).toEqual([{ path: 'model', fieldNumber: 99, wireType: 0 }]);
  const text = inspectText(report);
  expect(text).toMatch(/! field 99 at model is not in the ONNX schema/);
  expect(text).toMatch(/x\s+float32\s+\[N, 4\]/);
  expect(text).toMatch(/sparsity: 50\.00% zeros .*\(4 of 8\)/);
  expect(text).not.toMatch(/[ \t]$/m);
});

it('formats byte sizes in binary units', () => {
  expect([formatBytes(512), formatBytes(2048), formatBytes(10.5 * 2 ** 20), formatBytes(3 * 2 ** 30)]).toEqual(['512 B', '2.00 KiB', '10.5 MiB', '3.00 GiB']);
});
