// The packages install like any npm package: `npm pack` makes both tarballs (@pulse/web-client and @pulse/node), a
// scratch project installs them with `npm install <tarball>`, imports every export, type-checks against their
// declarations and publishes through the installed copy. Offline-safe: `--offline` with an empty npm cache; the
// publisher's dependencies come from the modules `npm ci` already installed here (copied into the scratch project),
// so npm needs no registry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENTS_URL, HTTP_URL, WS_URL, workspace } from '../test-support/support.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const web = fileURLToPath(new URL('../../web', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pulse-pack-'));
const scratch = join(dir, 'scratch');
const npm = (cwd, ...args) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--cache', join(dir, 'npm-cache')],
  { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
const packed = {};

before(() => {
  for (const [name, from] of [['node', here], ['web', web]]) {
    const [info] = JSON.parse(npm(from, 'pack', '--json', '--pack-destination', dir));
    packed[name] = info;
  }
  // The build's own tools (typescript, @types) are not the packages' dependencies: leave them out.
  const tools = /node_modules[\\/](typescript|@types|undici-types)([\\/]|$)/;
  cpSync(join(here, 'node_modules'), join(scratch, 'node_modules'), { recursive: true, filter: (from) => !tools.test(from) });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }));
  npm(scratch, 'install', '--offline', join(dir, packed.node.filename), join(dir, packed.web.filename));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the tarballs are named and versioned from package.json and hold only what they ship', () => {
  for (const [name, from] of [['node', here], ['web', web]]) {
    const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
    assert.equal(packed[name].name, manifest.name);
    assert.equal(packed[name].filename, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  }
  const nodeFiles = packed.node.files.map((f) => f.path);
  for (const file of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/testing.js', 'dist/testing.d.ts',
    'dist/catalogs/hyvve.catalog.json', 'dist/catalogs/eva.catalog.json']) {
    assert.ok(nodeFiles.includes(file), `${file} in ${nodeFiles}`);
  }
  assert.deepEqual(nodeFiles.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f)), []);
  const webFiles = packed.web.files.map((f) => f.path);
  for (const file of ['src/pulse-client.js', 'src/pulse-client.d.ts', 'src/react.js', 'types/hyvve-events.d.ts', 'README.md']) {
    assert.ok(webFiles.includes(file), `${file} in ${webFiles}`);
  }
  assert.equal(webFiles.some((f) => f.startsWith('test')), false, 'no tests in the web tarball');
});

test('the installed packages import by name, with every subpath export', () => {
  const script = `
    import { Publisher, EventCatalog, PublishError } from '@pulse/node';
    import { connect, waitForEvent, emitWithAck, disconnect } from '@pulse/node/testing';
    import { createClient } from '@pulse/web-client';
    import pkg from '@pulse/node/package.json' with { type: 'json' };
    console.log(JSON.stringify({
      types: [Publisher, EventCatalog, PublishError, connect, waitForEvent, emitWithAck, disconnect, createClient].map((f) => typeof f),
      catalog: EventCatalog.load('famly').app, version: pkg.version,
    }));`;
  const out = JSON.parse(execFileSync('node', ['--input-type=module', '-e', script], { cwd: scratch, encoding: 'utf8' }));
  assert.deepEqual(out.types, Array(8).fill('function'));
  assert.equal(out.catalog, 'famly');
  assert.equal(out.version, JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).version);
});

test('the declarations type-check in a TypeScript project that installs the packages (NodeNext resolution)', () => {
  writeFileSync(join(scratch, 'check.ts'), `
    import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
    import { Publisher, type PublishRequest } from '@pulse/node';
    import { connect, type TestSocket } from '@pulse/node/testing';
    import { createClient } from '@pulse/web-client';
    import type { HyvveEvents } from '@pulse/web-client/types/hyvve';
    const publisher = new Publisher(new EventBridgeClient({}), 'default', 'com.acme');
    const request: PublishRequest = publisher.event('approval.created').toWorkspace('w1').except('c1').correlationId('r1');
    const id: Promise<string> = request.send();
    const socket: Promise<TestSocket> = connect('ws://x', 't');
    const title: HyvveEvents['approval.created']['title'] = 'Budget';
    createClient({ url: 'ws://x', token: 't' });
    export { id, socket, title };
  `);
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'] },
    files: ['check.ts'],
  }));
  execFileSync('node', [join(here, 'node_modules/typescript/bin/tsc'), '-p', scratch], { cwd: scratch, encoding: 'utf8' });
});

test('the installed copy publishes to the local bus and its test helpers receive the event', () => {
  const ws = workspace('pack');
  const script = `
    import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
    import { Publisher } from '@pulse/node';
    import { connect, devToken, waitForEvent, disconnect } from '@pulse/node/testing';
    const socket = await connect(${JSON.stringify(WS_URL)}, await devToken(${JSON.stringify(HTTP_URL)}, 'pat', ${JSON.stringify(ws)}));
    const client = new EventBridgeClient({ endpoint: ${JSON.stringify(EVENTS_URL)}, region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const publisher = new Publisher(client, 'default', 'com.acme.scratch');
    await publisher.emitToUserRooms(${JSON.stringify(ws)}, 'task.created', ['pat'], { taskId: 't-1' });
    console.log(JSON.stringify(await waitForEvent(socket, 'task.created')));
    await disconnect(socket);`;
  const out = execFileSync('node', ['--experimental-websocket', '--input-type=module', '-e', script],
    { cwd: scratch, encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  assert.deepEqual(JSON.parse(out), { taskId: 't-1' });
});
