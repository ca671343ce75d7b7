// Builds libs/sdk/dist, the code of the installable SDK package (npm pack runs it as `prepack`;
// the root build runs it too, since require('@driftwatch/sdk') in the workspace loads it as well).
// 1. tsc with tsconfig.package.json: the SDK and the workspace modules it imports, with .d.ts.
// 2. Each @driftwatch/* import becomes the relative path of its compiled module, from the same
//    `paths` tsc resolved it with (defined once, in tsconfig.package.json).
// 3. Checks: no @driftwatch/* import is left, and every package the compiled code requires is a
//    Node built-in or in package.json "dependencies", so the tarball installs from the registry alone.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkgDir, 'dist');
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.package.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc printed why
}

// tsconfig.package.json is JSON with // comments on their own lines
const tsconfig = JSON.parse(
  readFileSync(join(pkgDir, 'tsconfig.package.json'), 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n'),
);
/** '@driftwatch/kafka' -> 'kafka/src/kafka' (relative to dist/, which mirrors libs/) */
const targets = new Map(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [path]]) => [
    name,
    posix.normalize(path.replace(/\.ts$/, '')).replace(/^\.\.\//, ''),
  ]),
);

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...builtinModules]);
const problems = [];
for (const file of files(dist).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'))) {
  const from = dirname(relative(dist, file)).split(sep).join('/');
  const text = readFileSync(file, 'utf8').replace(/(["'])(@driftwatch\/[a-z-]+)\1/g, (whole, quote, name) => {
    const target = targets.get(name);
    if (!target) return whole;
    const path = posix.relative(from, target);
    return `${quote}${path.startsWith('.') ? path : `./${path}`}${quote}`;
  });
  writeFileSync(file, text);
  const where = relative(pkgDir, file);
  for (const [, specifier] of text.matchAll(/(?:require\(|from |import\()["']([^"']+)["']/g)) {
    if (specifier.startsWith('.')) continue;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    if (name.startsWith('@driftwatch/'))
      problems.push(
        `${where}: '${specifier}' is not compiled into the package (add it to paths in tsconfig.package.json)`,
      );
    else if (!allowed.has(name.replace(/^node:/, '')) && file.endsWith('.js'))
      problems.push(`${where}: requires '${name}', which package.json "dependencies" does not list`);
  }
}
if (problems.length > 0) {
  console.error(`libs/sdk: the package is not self-contained:\n${problems.join('\n')}`);
  process.exit(1);
}
// npm packs a LICENSE found beside package.json; the package's is the repository's
copyFileSync(join(pkgDir, '../../LICENSE'), join(pkgDir, 'LICENSE'));
