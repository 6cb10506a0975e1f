// The wire of Pare's services: request and response bodies, shared by the servers and the clients.
// Only zod here, so the edge imports it inside workerd.
export * from './edgeAdminWire';
export * from './edgeReadWire';
export * from './jobLimits';
export * from './jobSpecWire';
export * from './jobRecordWire';
