// Public API of @driftwatch/env: environment variables read with a schema, for every lib and app.
export { ConfigError, EnvReader, type Env } from './env';
