export * from './events';
export * from './limits';
export * from './topics';
export * from './validate';
