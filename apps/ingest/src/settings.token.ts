import type { IngestSettings as Settings } from './settings';

/** Injection token for the validated settings (a class so Nest can inject it by type). */
export abstract class IngestSettings {}
export interface IngestSettings extends Settings {}
