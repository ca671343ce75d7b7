export * from './client';
export * from './errors';
export type { FeatureValues } from '@driftwatch/contracts';
