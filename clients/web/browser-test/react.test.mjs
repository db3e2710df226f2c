// The React binding (clients/web/src/react.js) in a real browser: a tiny app bundled in memory with esbuild
// (React's development build, in StrictMode), loaded into a page of the local system's origin and connected to it.
// Run by local/src/test/java/dev/pulse/local/DemoPageBrowserTest.java against its local system, which sets:
//   PULSE_WS_URL    the WebSocket endpoint, e.g. ws://127.0.0.1:8787/local
//   PULSE_HTTP_URL  the gateway's HTTP origin (dev endpoints), e.g. http://127.0.0.1:8787
//   PULSE_CHROMIUM  the browser (default /usr/bin/chromium)
// By hand: ./pulse local, then PULSE_WS_URL=ws://localhost:8787/local PULSE_HTTP_URL=http://localhost:8787 node --test react.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchBrowser, required } from './support.mjs';

const WS = required('PULSE_WS_URL');
const HTTP = required('PULSE_HTTP_URL').replace(/\/$/, '');
const WAIT = 20_000;
const WORKSPACE = `react-${randomUUID().slice(0, 8)}`;
const HERE = fileURLToPath(new URL('.', import.meta.url));

// One PulseProvider (options form) per user: its state, a component with the event hook (its handler calls are
// recorded in window.calls with the label it was rendered with), a log that is always mounted, and presence.
const APP = `
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PulseProvider, usePresence, usePulseEvent, useRealtime } from '../src/react.js';

window.calls = [];
window.clients = {};
const token = (user) => () => fetch('/dev/token?user=' + user + '&workspace=' + WORKSPACE).then((r) => r.json()).then((j) => j.token);

function Status({ user }) {
  const { client, state, transport } = useRealtime();
  window.clients[user] = client;
  return <p data-testid="state" data-state={state}>{state} {String(transport)}</p>;
}

function Approvals({ user, label }) {
  const [ids, setIds] = useState([]);
  usePulseEvent('approval.created', (data) => {
    window.calls.push([user, label, data.id]);
    setIds((old) => [...old, data.id]);
  });
  return <ul data-testid="approvals">{ids.map((id) => <li key={id} data-id={id}>{id}</li>)}</ul>;
}

function Log() {
  const [ids, setIds] = useState([]);
  useRealtime('approval.created', (data) => setIds((old) => [...old, data.id]));
  return <ul data-testid="log">{ids.map((id) => <li key={id} data-id={id}>{id}</li>)}</ul>;
}

function Presence() {
  const { users, onlineCount } = usePresence('workspace:' + WORKSPACE);
  return <ul data-testid="presence" data-count={onlineCount}>{users.map((u) => <li key={u.userId} data-user={u.userId}>{u.userId}</li>)}</ul>;
}

function User({ user, approvals, label }) {
  const [options] = useState(() => ({ url: WS_URL, token: token(user) }));
  return (
    <section data-user={user}>
      <PulseProvider options={options}>
        <Status user={user} />
        {approvals && <Approvals user={user} label={label} />}
        <Log />
        <Presence />
      </PulseProvider>
    </section>
  );
}

const root = createRoot(document.getElementById('root'));
window.renderUsers = (users) => root.render(<StrictMode>{users.map((u) => <User key={u.user} {...u} />)}</StrictMode>);
window.unmountAll = () => root.unmount();
`;

let browser;
let page;
const problems = [];

async function bundle() {
  const result = await build({
    stdin: { contents: APP, loader: 'jsx', resolveDir: HERE, sourcefile: 'react-test-app.jsx' },
    bundle: true, write: false, format: 'esm', jsx: 'automatic', logLevel: 'silent',
    // ../src/react.js imports 'react' from outside this folder: resolve it (once) from these node_modules.
    nodePaths: [`${HERE}node_modules`],
    define: { 'process.env.NODE_ENV': '"development"', WS_URL: JSON.stringify(WS), WORKSPACE: JSON.stringify(WORKSPACE) },
  });
  return result.outputFiles[0].text;
}

async function publish(id) {
  const res = await fetch(`${HTTP}/dev/publish`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    // An approval as HYVVE's services emit it: valid under the HYVVE catalog the local system may run with.
    body: JSON.stringify({ event: 'approval.created', workspaceId: WORKSPACE, targets: { workspace: true }, data: {
      id, workspaceId: WORKSPACE, type: 'finance', title: `React test ${id}`, status: 'pending', priority: 'low',
      confidenceScore: 90, assignedTo: null, createdAt: new Date().toISOString() } }),
  });
  assert.equal(res.status, 200, `publish ${id}: ${await res.text()}`);
}

const user = (name) => page.locator(`section[data-user="${name}"]`);
const state = (name) => user(name).locator('[data-testid="state"]').getAttribute('data-state');
const waitFor = (name, selector) => user(name).locator(selector).waitFor({ timeout: WAIT });
const calls = () => page.evaluate(() => window.calls);

before(async () => {
  const code = await bundle();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // Failed responses are reported with their URL below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.url()}`);
  });
  // A page of the local system's origin (any file it serves will do): Chrome lets only pages from a local address
  // reach local WebSockets, and the token function's fetch('/dev/token') is same-origin.
  await page.goto(`${HTTP}/client/pulse-client.js`);
  await page.setContent('<!doctype html><div id="root"></div>');
  await page.addScriptTag({ type: 'module', content: code });
  await page.waitForFunction(() => typeof window.renderUsers === 'function', null, { timeout: WAIT });
});

after(async () => {
  await page?.evaluate(() => window.unmountAll?.()).catch(() => {});
  await browser?.close();
  assert.deepEqual(problems, [], 'the page reported errors');
});

test('useRealtime: the provider connects and the state re-renders until connected', async () => {
  await page.evaluate(() => window.renderUsers([{ user: 'alice', approvals: true, label: 'v1' }]));
  await waitFor('alice', '[data-testid="state"][data-state="connected"]');
  assert.match(await user('alice').locator('[data-testid="state"]').textContent(), /^connected websocket$/);
  // usePresence: presence.list lists alice herself.
  await waitFor('alice', '[data-testid="presence"] li[data-user="alice"]');
});

test('usePresence follows presence.join of a second user', async () => {
  await page.evaluate(() => window.renderUsers([{ user: 'alice', approvals: true, label: 'v1' }, { user: 'bob' }]));
  await waitFor('bob', '[data-testid="state"][data-state="connected"]');
  await waitFor('alice', '[data-testid="presence"][data-count="2"] li[data-user="bob"]');
  await waitFor('bob', '[data-testid="presence"][data-count="2"] li[data-user="alice"]');
});

test('usePulseEvent: a published event is rendered, and the latest handler gets it once', async () => {
  await publish('apr_react_1');
  await waitFor('alice', '[data-testid="approvals"] li[data-id="apr_react_1"]');
  await waitFor('alice', '[data-testid="log"] li[data-id="apr_react_1"]');
  await waitFor('bob', '[data-testid="log"] li[data-id="apr_react_1"]');
  // A re-render with a new inline handler keeps one subscription and calls the newest handler.
  await page.evaluate(() => window.renderUsers([{ user: 'alice', approvals: true, label: 'v2' }, { user: 'bob' }]));
  await publish('apr_react_2');
  await waitFor('alice', '[data-testid="approvals"] li[data-id="apr_react_2"]');
  assert.deepEqual((await calls()).filter((c) => c[2] === 'apr_react_2'), [['alice', 'v2', 'apr_react_2']]);
  assert.deepEqual((await calls()).filter((c) => c[2] === 'apr_react_1'), [['alice', 'v1', 'apr_react_1']]);
});

test('unmounting the component stops delivery to its handler', async () => {
  await page.evaluate(() => window.renderUsers([{ user: 'alice', approvals: false }, { user: 'bob' }]));
  await user('alice').locator('[data-testid="approvals"]').waitFor({ state: 'detached', timeout: WAIT });
  await publish('apr_react_3');
  // Still delivered to alice's client (her always-mounted log shows it) ...
  await waitFor('alice', '[data-testid="log"] li[data-id="apr_react_3"]');
  // ... but not to the unmounted component's handler.
  assert.deepEqual((await calls()).filter((c) => c[2] === 'apr_react_3'), []);
  assert.equal(await state('alice'), 'connected');
});

test('unmounting the provider disconnects its client: the others see the user leave', async () => {
  await page.evaluate(() => window.renderUsers([{ user: 'bob' }]));
  await user('alice').waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await page.evaluate(() => window.clients.alice.state), 'disconnected');
  // The socket really closed: the server sent presence.leave to bob.
  await page.locator('section[data-user="bob"] [data-testid="presence"][data-count="1"]').waitFor({ timeout: WAIT });
  assert.equal(await user('bob').locator('[data-testid="presence"] li[data-user="alice"]').count(), 0);
  // And bob's provider is unaffected.
  assert.equal(await state('bob'), 'connected');
});
