// The one error type of Pare: a stable code, an HTTP status and a message a user can act on.
// Lower layers throw it (with a cause); routes and the CLI render it in one place each.

export type PareErrorCode = string;

export class PareError extends Error {
  readonly code: PareErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: PareErrorCode, message: string, options: { status?: number; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PareError';
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isPareError(e: unknown): e is PareError {
  return e instanceof PareError;
}
