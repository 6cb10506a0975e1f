// Manifest for a variant built here (Node side: dev seed, test fixtures, benchmarks).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { parseManifest, type Manifest, type ManifestInput } from '@pare/runtime';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function variantManifest(bytes: Uint8Array, fields: Omit<ManifestInput, 'sha256' | 'bytes' | 'gzipBytes'>): Manifest {
  return parseManifest({ ...fields, sha256: sha256Hex(bytes), bytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength });
}
