// The one error type of Pare: a stable code from a closed set, an HTTP status and a message a user can act on.
// Lower layers throw it (with a cause); routes and the CLI render it in one place each.
import { ERROR_STATUS, type PareErrorCode } from './errorCodes';

export class PareError extends Error {
  readonly code: PareErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  /** `status` defaults to the code's own (packages/errors/src/errorCodes.ts). */
  constructor(code: PareErrorCode, message: string, options: { status?: number; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PareError';
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isPareError(e: unknown): e is PareError {
  return e instanceof PareError;
}
