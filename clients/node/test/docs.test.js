// The migration guides' code is tested code. Every JavaScript/TypeScript block in docs/migrating/*.md either starts with
// `// from <file>` — then its lines (imports aside) appear, in order and contiguous, in that file, which the build runs
// as a test — or with `// Socket.IO`, the seed's own code as it is today. Its imports must name exports the packages
// really have. README.md's blocks marked `// from` are held to the same rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);
const modules = {
  '@pulse/node': () => import('../dist/index.js'),
  '@pulse/node/testing': () => import('../dist/testing.js'),
  '@pulse/web-client': () => import('../../web/src/pulse-client.js'),
  '@aws-sdk/client-eventbridge': () => import('@aws-sdk/client-eventbridge'),
};

function blocks(markdown) {
  return [...markdown.matchAll(/^```(js|javascript|ts|typescript|tsx|mjs)\n([\s\S]*?)^```$/gm)].map((m) => m[2].replace(/\n$/, '').split('\n'));
}

const IMPORT = /^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';$/;

async function checkBlock(where, lines, { requireMarker }) {
  const [first, ...body] = lines;
  if (first.startsWith('// Socket.IO')) return 'seed';
  const marker = /^\/\/ from (\S+)$/.exec(first);
  if (!marker) {
    assert.ok(!requireMarker, `${where}: a code block must start with "// from <tested file>" or "// Socket.IO": ${first}`);
    return 'unmarked';
  }
  const file = new URL(marker[1], root);
  assert.ok(existsSync(file), `${where}: ${marker[1]} does not exist`);
  const code = [];
  for (const line of body) {
    const imported = IMPORT.exec(line.trim());
    if (!imported) {
      code.push(line.trim());
      continue;
    }
    const load = modules[imported[2]];
    assert.ok(load, `${where}: imports ${imported[2]}, not a package the guides may use`);
    const exports = await load();
    const typeOnly = /^import\s+type\s/.test(line.trim());
    for (const entry of imported[1].split(',').map((n) => n.trim()).filter(Boolean)) {
      if (typeOnly || entry.startsWith('type ')) continue; // types leave no trace at run time (tsc checks them)
      assert.ok(entry in exports, `${where}: ${imported[2]} has no export ${entry}`);
    }
  }
  while (code.length && code[0] === '') code.shift();
  assert.ok(code.length > 0, `${where}: no code under the marker`);
  const tested = readFileSync(file, 'utf8').split('\n').map((l) => l.trim());
  const found = tested.some((_, start) => code.every((line, i) => tested[start + i] === line));
  assert.ok(found, `${where}: the block is not (or no longer) in ${marker[1]}:\n${code.join('\n')}`);
  return 'tested';
}

test('every code block of the migration guides is tested code or the seed\'s own', async () => {
  const dir = new URL('docs/migrating/', root);
  const guides = readdirSync(dir).filter((f) => f.endsWith('.md'));
  assert.deepEqual(guides.sort(), ['eva.md', 'famly.md', 'hyvve.md', 'worklamp.md']);
  for (const guide of guides) {
    const kinds = [];
    for (const [i, lines] of blocks(readFileSync(new URL(guide, dir), 'utf8')).entries()) {
      kinds.push(await checkBlock(`docs/migrating/${guide} block ${i + 1}`, lines, { requireMarker: true }));
    }
    assert.ok(kinds.includes('tested') && kinds.includes('seed'), `${guide}: both sides shown (${kinds})`);
  }
});

test('README\'s Publishing an event shows the TypeScript publisher first, from a tested file, then the Java one', async () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const section = readme.slice(readme.indexOf('## Publishing an event'), readme.indexOf('### Event catalogs'));
  const ts = section.indexOf('```ts');
  const java = section.indexOf('```java');
  assert.ok(ts > 0 && java > ts, 'TypeScript first, then Java');
  const marked = blocks(readme).filter(([first]) => first.startsWith('// from '));
  assert.ok(marked.length >= 1);
  for (const [i, lines] of marked.entries()) await checkBlock(`README.md marked block ${i + 1}`, lines, { requireMarker: true });
});
