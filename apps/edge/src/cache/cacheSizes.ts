// How full each per-isolate cache is (read-only; the tests check that no request pattern grows them).
import { modelStateCacheSize } from '../registry/modelState';
import { manifestCacheSize } from '../inference/servingVariant';
import { sessionCacheSize } from '../inference/sessionCache';
import { receiptKeyCacheSize } from '../feedback/requestReceipt';
import { tokenizerCacheSize } from '../inference/variantTokenizer';

export interface CacheSizes {
  modelStates: number;
  manifests: number;
  manifestBytes: number;
  sessions: number;
  sessionBytes: number;
  heldSessions: number;
  sessionsAwaitingRelease: number;
  receiptKeys: number;
  tokenizers: number;
  tokenizerBytes: number;
}

export function cacheSizes(): CacheSizes {
  return { modelStates: modelStateCacheSize(), ...manifestCacheSize(), ...sessionCacheSize(), receiptKeys: receiptKeyCacheSize(), ...tokenizerCacheSize() };
}
