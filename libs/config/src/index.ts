export * from './env';
export * from './monitor-config';
