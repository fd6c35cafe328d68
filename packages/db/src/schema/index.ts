export * from './products.ts';
export * from './events.ts';
export * from './imports.ts';
export * from './webhooks.ts';
export * from './workers.ts';
export * from './sessions.ts';
export * from './undo.ts';
