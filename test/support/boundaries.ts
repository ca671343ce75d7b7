import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One workspace package: libs/<x> (`@driftwatch/<x>`) or apps/<x> (`@driftwatch/app-<x>`). */
export interface WorkspacePackage {
  /** Folder relative to the repository root, with forward slashes: `libs/stats`. */
  folder: string;
  name: string;
  kind: 'lib' | 'app';
  /** The `@driftwatch/*` names in its package.json "dependencies" (and "devDependencies", for libs/sdk). */
  declared: string[];
}

/** An import specifier found in a source file, with its 1-based line. */
export interface ImportSite {
  specifier: string;
  line: number;
}

const SCOPE = '@driftwatch/';

/** The packages under libs/ and apps/ that have a package.json. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const packages: WorkspacePackage[] = [];
  for (const kind of ['lib', 'app'] as const) {
    const parent = join(root, `${kind}s`);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent).sort()) {
      const manifest = join(parent, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      // a package that compiles workspace libs into itself (libs/sdk) declares them as devDependencies:
      // its installed copy must not look for them in a registry
      const names = [...Object.keys(json.dependencies ?? {}), ...Object.keys(json.devDependencies ?? {})];
      const declared = names.filter((name) => name.startsWith(SCOPE));
      packages.push({ folder: `${kind}s/${entry}`, name: json.name, kind, declared });
    }
  }
  return packages;
}

/**
 * Every way a boundary is crossed without being declared, one line each, naming the file, the
 * line and the import:
 * - a `@driftwatch/*` import that the package's package.json does not list in "dependencies";
 * - an import of an app (`@driftwatch/app-*`): apps are entry points, nothing imports them;
 * - a package importing itself by name (use a relative import);
 * - a relative import that leaves the package's folder (`../../libs/...`), except the demo's
 *   imports of the test harness in test/support (its SMTP catcher, webhook receiver and flights
 *   loader are what the demo runs on; nothing else may reach into the tests);
 * - a declared `@driftwatch/*` dependency that no file in src imports (the list must stay true).
 * Scans every .ts file under the src folder of each lib and app, tests included.
 */
export function boundaryProblems(root: string): string[] {
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const pkg of packages) {
    const manifest = `${pkg.folder}/package.json`;
    const used = new Set<string>();
    for (const file of tsFiles(join(root, pkg.folder, 'src'))) {
      const where = relative(root, file).split(sep).join('/');
      for (const { specifier, line } of importSites(readFileSync(file, 'utf8'))) {
        const at = `${where}:${line} imports '${specifier}'`;
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          const home = join(root, pkg.folder);
          const harness = join(root, 'test/support');
          const demoOnHarness = pkg.folder === 'apps/demo' && target.startsWith(harness + sep);
          if (target !== home && !target.startsWith(home + sep) && !demoOnHarness) {
            problems.push(`${at}, outside ${pkg.folder}/: import another package by its name`);
          }
          continue;
        }
        if (!specifier.startsWith(SCOPE)) continue;
        const name = specifier.split('/').slice(0, 2).join('/');
        used.add(name);
        if (name === pkg.name) {
          problems.push(`${at}: a package must not import itself by name; use a relative import`);
        } else if (byName.get(name)?.kind === 'app') {
          problems.push(`${at}: ${name} is an app; apps import libs, nothing imports an app`);
        } else if (!pkg.declared.includes(name)) {
          problems.push(`${at}, which ${manifest} does not declare in "dependencies"`);
        }
      }
    }
    for (const name of pkg.declared) {
      if (!used.has(name)) problems.push(`${manifest} declares ${name}, which no file in ${pkg.folder}/src imports`);
    }
  }
  return problems;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...tsFiles(path));
    else if (entry.endsWith('.ts')) files.push(path);
  }
  return files;
}

type Token = { kind: 'word' | 'string' | 'template' | 'punct'; value: string; line: number };

/**
 * The module specifiers a TypeScript source imports: `import ... from 'x'`, `import type`,
 * `export ... from 'x'`, `import 'x'`, `import('x')` and `require('x')`. Comments, string
 * contents and template literals are not mistaken for imports: the text is tokenized first.
 */
export function importSites(source: string): ImportSite[] {
  const tokens = tokenize(source);
  const sites: ImportSite[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const next = tokens[k + 1];
    const afterParen = tokens[k + 2];
    if (t.kind !== 'word' || tokens[k - 1]?.value === '.') continue;
    if ((t.value === 'from' || t.value === 'import') && next?.kind === 'string') {
      sites.push({ specifier: next.value, line: next.line });
    } else if (
      (t.value === 'import' || t.value === 'require') &&
      next?.value === '(' &&
      afterParen?.kind === 'string'
    ) {
      sites.push({ specifier: afterParen.value, line: afterParen.line });
    }
  }
  return sites;
}

// After these a `/` starts a regular expression, not a division.
const BEFORE_REGEX = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'instanceof',
  'yield',
  'await',
]);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const templateDepths: number[] = []; // brace depth at each open `${`
  let depth = 0;
  let line = 1;
  let i = 0;

  const readTemplate = (): void => {
    // i is just after the opening ` or the closing } of a substitution.
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        i++;
        tokens.push({ kind: 'template', value: '', line });
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        templateDepths.push(depth);
        tokens.push({ kind: 'punct', value: '${', line });
        return;
      } else {
        if (c === '\n') line++;
        i++;
      }
    }
  };

  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) if (src[i] === '\n') line++;
    } else if (c === "'" || c === '"') {
      const start = line;
      let value = '';
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') {
        if (src[i] === '\\') {
          value += src[i + 1];
          i += 2;
        } else value += src[i++];
      }
      i++;
      tokens.push({ kind: 'string', value, line: start });
    } else if (c === '`') {
      i++;
      readTemplate();
    } else if (c === '/' && regexMayStart(tokens[tokens.length - 1])) {
      i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < src.length && /[a-z]/i.test(src[i] as string)) i++;
      tokens.push({ kind: 'string', value: '', line }); // a regex is an operand, never a specifier
    } else if (/[\p{L}_$\d]/u.test(c)) {
      let value = '';
      while (i < src.length && /[\p{L}\p{N}_$.]/u.test(src[i] as string) && !(src[i] === '.' && !/\d/.test(c))) {
        value += src[i++];
      }
      tokens.push({ kind: 'word', value, line });
    } else {
      i++;
      if (c === '{') depth++;
      else if (c === '}') {
        if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === depth) {
          templateDepths.pop();
          readTemplate();
          continue;
        }
        depth--;
      }
      tokens.push({ kind: 'punct', value: c, line });
    }
  }
  return tokens;
}

function regexMayStart(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === 'word') return BEFORE_REGEX.has(previous.value);
  if (previous.kind !== 'punct') return false;
  return previous.value !== ')' && previous.value !== ']' && previous.value !== '}';
}
