/**
 * The Node.js versions driftwatch's services and CLI run on, as npm `engines` writes them.
 * NestJS 12 is published as ES modules only and our apps are CommonJS, so they load it with
 * require(esm), which Node enables by default from 20.19.0 on the 20 line and from 22.12.0 on
 * (23.0.0 and later); 21.x and 22.0 to 22.11 lack it, and loading Nest fails there with
 * ERR_REQUIRE_ESM. @nestjs/schedule 12 declares `>=20.19.0`. The root package.json's `engines`
 * states this range (test/engines.test.ts keeps the two equal).
 * (npm ci warns that file-type 22, a dependency of @nestjs/common, wants Node >= 22: Nest imports it
 * lazily, only in FileTypeValidator for uploads, which driftwatch does not use.)
 */
export const SUPPORTED_NODE = '^20.19.0 || >=22.12.0';

type Version = [number, number, number];

function parse(version: string): Version {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((p) => Number.parseInt(p, 10) || 0);
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` is in a range of `^x.y.z` and `>=x.y.z` terms joined by `||` (the subset of npm's ranges used above). */
export function satisfies(version: string, range: string = SUPPORTED_NODE): boolean {
  const have = parse(version);
  return range.split('||').some((term) => {
    const t = term.trim();
    if (t.startsWith('>=')) return compare(have, parse(t.slice(2))) >= 0;
    if (t.startsWith('^')) {
      const low = parse(t.slice(1));
      return have[0] === low[0] && compare(have, low) >= 0;
    }
    throw new Error(`unsupported version range term '${t}'`);
  });
}

/**
 * Why this Node.js cannot run `program`, or undefined when it can. Programs check it before they
 * load anything else, so an old Node gets this sentence instead of a stack trace from NestJS.
 *
 *   unsupportedNodeMessage('driftwatch ingest', '20.11.1')
 *   // 'driftwatch ingest needs Node.js ^20.19.0 || >=22.12.0 (20.19 or newer on 20, 22.12 or newer); this is 20.11.1'
 */
export function unsupportedNodeMessage(program: string, version: string = process.versions.node): string | undefined {
  if (satisfies(version)) return undefined;
  return `${program} needs Node.js ${SUPPORTED_NODE} (20.19 or newer on 20, 22.12 or newer); this is ${version.replace(/^v/, '')}`;
}
