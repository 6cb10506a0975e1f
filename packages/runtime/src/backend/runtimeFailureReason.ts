// Backends wrap a runtime's failure in a PareError naming the backend; a message that already names the
// runtime wants the runtime's own words, which are the cause.

/** The runtime's own message for a failure a backend threw. */
export function runtimeFailureReason(error: unknown): string {
  const inner = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return inner instanceof Error ? inner.message : String(inner);
}
