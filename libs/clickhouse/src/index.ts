export * from './client';
export * from './migrations';
export * from './retention';
export * from './rows';
export * from './sql';
export * from './tables';
export * from './row-writer';
export * from './results';
