export * from './bounded.ts';
export * from './paged.ts';
export * from './products.ts';
export * from './events.ts';
export * from './mapping.ts';
export * from './imports.ts';
export * from './imports-api.ts';
export * from './webhooks.ts';
