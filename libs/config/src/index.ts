export * from './alerting-config';
export * from './monitor-config';
