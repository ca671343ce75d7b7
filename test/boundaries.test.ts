// Package boundaries: a lib or app imports only the @driftwatch packages its package.json declares,
// so that, for one, libs/stats can never grow an import of libs/clickhouse unnoticed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { boundaryProblems, importSites } from './support/boundaries';
import { repoRoot } from './support/paths';

test('every lib and app imports only the @driftwatch packages its package.json declares', () => {
  const problems = boundaryProblems(repoRoot());
  assert.equal(problems.length, 0, `package boundary problems:\n${problems.join('\n')}`);
});

describe('the boundary check, on a made-up tree', () => {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** A repository with the given files; package.json values are objects, the rest text. */
  function tree(files: Record<string, string | object>): string {
    const root = mkdtempSync(join(tmpdir(), 'dw-boundaries-'));
    roots.push(root);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return root;
  }

  const packages = {
    'libs/stats/package.json': { name: '@driftwatch/stats', dependencies: {} },
    'libs/clickhouse/package.json': { name: '@driftwatch/clickhouse', dependencies: { '@driftwatch/config': '*' } },
    'libs/config/package.json': { name: '@driftwatch/config' },
    'apps/monitor/package.json': {
      name: '@driftwatch/app-monitor',
      dependencies: { '@driftwatch/stats': '*', '@driftwatch/clickhouse': '*' },
    },
    'libs/clickhouse/src/index.ts': "import { env } from '@driftwatch/config';\n",
    'apps/monitor/src/main.ts':
      "import { psi } from '@driftwatch/stats';\nimport type { Row } from '@driftwatch/clickhouse';\n",
  };

  test('passes when every import is declared', () => {
    assert.deepEqual(boundaryProblems(tree(packages)), []);
  });

  test('fails when libs/stats imports libs/clickhouse, naming the file, line and import', () => {
    const root = tree({
      ...packages,
      'libs/stats/src/psi.ts': "// PSI\nimport type { ClickHouse } from '@driftwatch/clickhouse';\n",
    });
    assert.deepEqual(boundaryProblems(root), [
      `libs/stats/src/psi.ts:2 imports '@driftwatch/clickhouse', which libs/stats/package.json does not declare in "dependencies"`,
    ]);
  });

  test('fails when a lib imports an app, a package imports itself, or a relative import leaves the package', () => {
    const root = tree({
      ...packages,
      'libs/stats/src/a.ts': "export { main } from '@driftwatch/app-monitor';\n",
      'libs/stats/src/deep/b.ts': "import '@driftwatch/stats';\nconst c = require('../../../clickhouse/src/index');\n",
    });
    assert.deepEqual(boundaryProblems(root), [
      `libs/stats/src/a.ts:1 imports '@driftwatch/app-monitor': @driftwatch/app-monitor is an app; apps import libs, nothing imports an app`,
      `libs/stats/src/deep/b.ts:1 imports '@driftwatch/stats': a package must not import itself by name; use a relative import`,
      `libs/stats/src/deep/b.ts:2 imports '../../../clickhouse/src/index', outside libs/stats/: import another package by its name`,
    ]);
  });

  test('fails when a declared dependency is no longer imported', () => {
    const root = tree({ ...packages, 'apps/monitor/src/main.ts': "import { psi } from '@driftwatch/stats';\n" });
    assert.deepEqual(boundaryProblems(root), [
      'apps/monitor/package.json declares @driftwatch/clickhouse, which no file in apps/monitor/src imports',
    ]);
  });
});

describe('importSites', () => {
  test('finds static, type-only, re-export, side-effect and dynamic imports and require', () => {
    const source = [
      "import a from 'a';",
      'import type {',
      '  B,',
      '} from "b";',
      "export * from './c';",
      "import 'd';",
      "const e = await import('e');",
      "const f = require('f');",
      "import g = require('g');",
    ].join('\n');
    assert.deepEqual(importSites(source), [
      { specifier: 'a', line: 1 },
      { specifier: 'b', line: 4 },
      { specifier: './c', line: 5 },
      { specifier: 'd', line: 6 },
      { specifier: 'e', line: 7 },
      { specifier: 'f', line: 8 },
      { specifier: 'g', line: 9 },
    ]);
  });

  test('ignores comments, strings, template literals and regular expressions that look like imports', () => {
    const source = [
      '/**',
      " * import { x } from '@driftwatch/clickhouse';",
      ' */',
      "// import '@driftwatch/clickhouse'",
      'const s = "import x from \'@driftwatch/clickhouse\'";',
      "const url = 'http://example.com/*';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, on purpose
      "const t = `from '@driftwatch/clickhouse' ${`nested ${s}`} import('@driftwatch/clickhouse')`;",
      "const r = /'|\"|`/g.test(s) ? 1 / 2 : 3; // '",
      'const o = { from: Array.from("x"), import: 1 };',
      "const m = loader.require('@driftwatch/clickhouse');",
      "import { real } from './real';",
    ].join('\n');
    assert.deepEqual(importSites(source), [{ specifier: './real', line: 11 }]);
  });
});
