// Typed clients of Pare's services (the edge's admin and read API, the origin's job API) and the wire types
// they share with the servers. Web-standard fetch only, so they run in Node, browsers and workers alike.
export * from './wire/index';
export * from './edge/edgeClient';
export * from './origin/originClient';
export { readJobEvents } from './origin/jobEventStream';
export type { FollowOptions } from './origin/followJobEvents';
