// Public API of @driftwatch/sdk, for serving apps (README, "The producer SDK"): the client, its
// options and inputs, and the errors it throws.
export {
  DriftwatchClient,
  type DriftwatchClientOptions,
  type FeaturesInput,
  type LabelInput,
  type PredictionInput,
} from './client';
export { DriftwatchBufferFullError, DriftwatchValidationError } from './errors';
export type { FeatureValues } from '@driftwatch/contracts';
