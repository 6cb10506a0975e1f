import { createOrigin, type OriginConfig } from '../src/origin';
import { serveOrigin } from '../src/serveOrigin';
import { sleepyRef } from './handlerRefs';

// A real origin process for the restart tests (they SIGKILL or SIGTERM it mid-job). Its `compress` handler is the
// sleepy stand-in (unless the config names others) so a job is reliably running when the kill comes. Config arrives
// as JSON in PARE_TEST_ORIGIN_CONFIG; the chosen port is printed as "port=<n>".

const config = JSON.parse(process.env.PARE_TEST_ORIGIN_CONFIG ?? '{}') as OriginConfig & { sleepMs?: number; port?: number };
const origin = await createOrigin({ ...config, handlers: config.handlers ?? { compress: sleepyRef(config.sleepMs ?? 1500) } });
serveOrigin(origin, { port: config.port ?? 0, host: '127.0.0.1', onListening: (port) => console.log(`port=${port}`) });
