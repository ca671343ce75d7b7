import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from the compiled test file (dist/test/...) or the source. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'driftwatch') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no driftwatch package.json above ${__dirname}`);
    dir = up;
  }
}
