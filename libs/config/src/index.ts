export * from './alerting-config';
export * from './env';
export * from './monitor-config';
