// Imported first by main.ts: NestJS 12 is loaded with require(esm), so an unsupported Node.js must
// stop here, with a sentence, before Nest is loaded and fails with a stack trace.
import { unsupportedNodeMessage } from '@driftwatch/runtime';

const problem = unsupportedNodeMessage('driftwatch monitor');
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
