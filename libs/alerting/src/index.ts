export * from './delivery';
export * from './signature';
