// The version `pare --version` prints: the CLI package's own (kept in step with package.json by version.test.ts).
export const PARE_VERSION = '0.1.0';
