export * from './delivery';
export * from './email';
export * from './email-render';
export * from './notification';
export * from './signature';
