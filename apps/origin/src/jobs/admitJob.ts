import { PareError } from '@pare/errors';
import { confineFileRef, type FileRefPolicy } from './confineFileRef';
import { checkJobMemory, DEFAULT_JOB_MEMORY_BYTES } from './jobMemory';
import { deployedVariantRef } from './deployedVariantRef';
import type { JobSpec } from './jobSpec';

// The checks a parsed job spec passes before it is queued that depend on the origin's configuration: every
// file it names is confined (./confineFileRef.ts), a distill job publishes to and reads a deployed teacher
// (./deployedVariantRef.ts) from configured edges only, since the origin sends the edge's admin token to that
// URL, and its memory estimate fits the budget (./jobMemory.ts).

export interface AdmissionPolicy extends FileRefPolicy {
  /** The edges a distill job may publish to, normalised by edgeKey. */
  edgeUrls: string[];
  /** The memory budget of one job, in bytes (default 8 GiB). */
  maxJobMemoryBytes?: number;
}

/** An edge URL as the allow-list compares it: parsed, without a trailing slash. */
export function edgeKey(url: string): string {
  return new URL(url).href.replace(/\/+$/, '');
}

/** The spec to queue (publish.edge filled in when the origin has a single edge), or a 400. */
export function admitJob(spec: JobSpec, policy: AdmissionPolicy): JobSpec {
  const confine = (ref: string | undefined, field: string): void => {
    if (ref !== undefined) confineFileRef(ref, field, policy);
  };
  switch (spec.type) {
    case 'batch-infer':
    case 'evaluate':
      confine(spec.model, 'model');
      if (spec.data !== 'spam-assassin') confine(spec.data, 'data');
      confine(spec.manifest, 'manifest');
      return spec;
    case 'compress':
      confine(spec.model, 'model');
      confine(spec.calibration, 'calibration');
      return spec;
    case 'distill': {
      const deployed = typeof spec.teacher === 'string' ? deployedVariantRef(spec.teacher, policy.edgeUrls) : undefined;
      if (deployed) spec = { ...spec, teacherVariant: deployed };
      else if (typeof spec.teacher === 'string' && spec.teacher !== 'train') confine(spec.teacher, 'teacher');
      if (spec.teacherVariant) spec = { ...spec, teacherVariant: { ...spec.teacherVariant, edge: allowedEdge(spec.teacherVariant.edge, policy.edgeUrls, 'teacherVariant.edge', 'reads teachers from') } };
      confine(spec.teacherManifest, 'teacherManifest');
      if (spec.data !== 'spam-assassin') confine(spec.data, 'data');
      confine(spec.validation, 'validation');
      checkJobMemory(spec, policy.maxJobMemoryBytes ?? DEFAULT_JOB_MEMORY_BYTES);
      return spec.publish ? { ...spec, publish: { ...spec.publish, edge: publishEdge(spec.publish.edge, policy.edgeUrls) } } : spec;
    }
  }
}

function publishEdge(edge: string | undefined, allowed: string[]): string {
  if (edge === undefined) {
    if (allowed.length === 1) return allowed[0]!;
    throw invalidEdge('publish.edge', `missing; this origin cannot choose: ${listedEdges(allowed)}`);
  }
  return allowedEdge(edge, allowed, 'publish.edge');
}

/** The edge as the allow-list spells it, or a 400: the origin sends its admin token to no other. */
function allowedEdge(edge: string, allowed: string[], field: string, role = 'publishes to'): string {
  if (!allowed.includes(edgeKey(edge))) throw invalidEdge(field, `${edge} is not an edge this origin ${role}: ${listedEdges(allowed)}`);
  return edgeKey(edge);
}

function listedEdges(allowed: string[]): string {
  return allowed.length ? `it publishes to ${allowed.join(', ')}` : 'it publishes to no edge (PARE_EDGE_URLS is empty)';
}

function invalidEdge(field: string, why: string): PareError {
  return new PareError('job_spec_invalid', `Invalid job spec: ${field}: ${why}.`, {
    status: 400,
    details: { field, issues: [{ field, message: why }] },
  });
}
