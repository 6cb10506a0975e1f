import { createHash } from 'node:crypto';
import { EdgeClient, type DeployVariantResponse } from '@pare/clients';
import { PareError } from '@pare/errors';
import { checkMayPublish } from './publishGuard';

// Publishes a variant to the edge through its admin API with @pare/clients' EdgeClient, the same path as
// `pare deploy`. The manifest's sha256 and size are set here from the bytes so they always match, and the
// token comes from the origin's environment. Inside a job's attempt, only the attempt that owns the job
// publishes (./publishGuard.ts).

export interface PublishRequest {
  edge: string;
  model: string;
  variant: string;
  bytes: Uint8Array;
  /** The variant manifest; its model, variant, sha256 and bytes are set here. */
  manifest: Record<string, unknown>;
  /** tokenizer.json, for a manifest whose tokenizer is a Hugging Face one (stored beside the model on the edge). */
  tokenizer?: Uint8Array;
  /** Traffic weight 0..100 for the new variant; the edge leaves weights alone when absent (except for a new model). */
  weight?: number;
  token?: string;
  signal?: AbortSignal;
}

export interface PublishResult {
  /** 201 when the edge created the variant, 200 when it already had these bytes. */
  status: 200 | 201;
  body: DeployVariantResponse;
}

export async function publishVariant(request: PublishRequest): Promise<PublishResult> {
  const token = request.token ?? process.env.PARE_TOKEN;
  if (!token) throw new PareError('publish_unauthorised', 'Publishing to the edge needs its admin token: set PARE_TOKEN on the origin.');
  await checkMayPublish();
  const sha256 = createHash('sha256').update(request.bytes).digest('hex');
  const manifest = { ...request.manifest, model: request.model, variant: request.variant, sha256, bytes: request.bytes.byteLength };
  const client = new EdgeClient({ endpoint: request.edge, token });
  try {
    const body = await client.deployVariant({ model: request.model, variant: request.variant, bytes: request.bytes, manifest, ...(request.tokenizer ? { tokenizer: request.tokenizer } : {}), weight: request.weight, signal: request.signal });
    return { status: body.created ? 201 : 200, body };
  } catch (cause) {
    if (!(cause instanceof PareError)) throw cause;
    if (cause.code === 'edge_unreachable') {
      const failure = cause.cause instanceof Error ? cause.cause : undefined;
      const reason = failure?.cause instanceof Error ? failure.cause.message : (failure?.message ?? String(cause.cause));
      throw new PareError('publish_failed', `Could not reach the edge at ${client.endpoint} (${reason}).`, { cause });
    }
    if (cause.code === 'edge_bad_response') throw new PareError('publish_failed', `The edge's answer to ${request.model}/${request.variant} was not understood: ${cause.message}`, { cause });
    throw new PareError('publish_failed', `The edge refused ${request.model}/${request.variant} (HTTP ${cause.status}): ${cause.message}`, { cause, details: { status: cause.status, code: cause.code } });
  }
}
