import type { RejectCode } from '@driftwatch/contracts';

/** A log call with an event that would be refused: thrown in the caller, nothing is sent. */
export class DriftwatchValidationError extends Error {
  constructor(
    readonly kind: string,
    readonly code: RejectCode,
    readonly reason: string,
  ) {
    super(`invalid ${kind} event (${code}): ${reason}`);
    this.name = 'DriftwatchValidationError';
  }
}

/** The SDK holds too many unsent events (Kafka unreachable for long): the caller decides what to do. */
export class DriftwatchBufferFullError extends Error {
  constructor(readonly buffered: number) {
    super(`driftwatch SDK buffer is full (${buffered} unsent events); Kafka may be unreachable`);
    this.name = 'DriftwatchBufferFullError';
  }
}
