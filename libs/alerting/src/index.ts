export * from './delivery';
export * from './notification';
export * from './signature';
