export * from './baseline';
export * from './binnedKs';
export * from './evaluate';
export * from './grid';
export * from './job';
export * from './queries';
export * from './window';
