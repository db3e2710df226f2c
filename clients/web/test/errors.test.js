import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { client, closeAll, token, workspace, until, publish } from '../test-support/helpers.js';

after(closeAll);

// Issue 18, item 4: every code the client raises is documented, and sync() honours rateLimitMode 'reject'.

const src = new URL('../src/', import.meta.url);
const sources = readdirSync(src).filter((f) => f.endsWith('.js')).map((f) => readFileSync(new URL(f, src), 'utf8')).join('\n');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const types = readFileSync(new URL('pulse-client.d.ts', src), 'utf8');

/** The codes written in the client's source: new PulseError('code' or a ? 'x' : 'y', …), _report(e, 'code', …), ?? 'x_error'. */
function raisedCodes() {
  const codes = new Set();
  for (const m of sources.matchAll(/new PulseError\(\s*'([a-z_]+)'/g)) codes.add(m[1]);
  for (const m of sources.matchAll(/new PulseError\([^,']*\?\s*'([a-z_]+)'\s*:\s*'([a-z_]+)'/g)) codes.add(m[1]).add(m[2]);
  for (const m of sources.matchAll(/_report\([^,()]+,\s*'([a-z_]+)'/g)) codes.add(m[1]);
  for (const m of sources.matchAll(/\?\? '([a-z_]+)'/g)) if (/error/.test(m[1])) codes.add(m[1]); // fallbacks
  return codes;
}

test('every error code the client raises is in the README code list and in the PulseError types', () => {
  const codes = raisedCodes();
  for (const expected of ['no_websocket', 'invalid_url', 'unauthorized', 'unreachable', 'timeout', 'rate_limited', 'client_error']) {
    assert.ok(codes.has(expected), `the scan finds ${expected}`);
  }
  const listed = readme.slice(readme.indexOf('### Error codes'), readme.indexOf('## Behaviour'));
  const clientCodes = types.slice(types.indexOf('export type ClientErrorCode'), types.indexOf(';', types.indexOf('export type ClientErrorCode')));
  for (const code of codes) {
    assert.ok(listed.includes(`\`${code}\``), `README's error code list names ${code}`);
    assert.ok(clientCodes.includes(`'${code}'`), `ClientErrorCode names ${code}`);
  }
});

test('an invalid URL stops the client at once with invalid_url (retrying cannot mend it)', async () => {
  for (const url of ['not a url', 'http://127.0.0.1:1/local']) {
    const c = client({ url, token: 'x.y.z' });
    const reconnects = [];
    c.on('reconnect', (r) => reconnects.push(r));
    c.connect();
    await until(() => c.state === 'error', 'state error');
    assert.equal(c.lastError.code, 'invalid_url', url);
    assert.equal(c.log.errors.at(-1).code, 'invalid_url');
    assert.deepEqual(reconnects, []);
  }
});

test("sync() over its client-side limit in rateLimitMode 'reject' rejects at once, without waiting", async () => {
  const ws = workspace();
  const c = client({ token: await token('syd', ws), rateLimitMode: 'reject' });
  await c.connect().whenConnected();
  await publish(ws, 'approval.created', { workspace: true }, {});
  await until(() => c.positions[`workspace:${ws}`], 'a position to sync from');
  for (let i = 0; i < 3; i++) await c.sync(); // sync.request: 3 per 30 s
  let outcome = 'pending';
  const fourth = c.sync();
  fourth.then(() => { outcome = 'resolved'; }, (e) => { outcome = e; });
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(outcome.code, 'rate_limited', 'settled within the same turn: nothing waited');
  assert.equal(outcome.local, true);
  assert.equal(outcome.action, 'sync.request');
  assert.ok(outcome.retryAfterMs > 0 && outcome.retryAfterMs <= 30000, `retryAfterMs ${outcome.retryAfterMs}`);
});
