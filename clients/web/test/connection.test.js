import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, createClient } from '../src/pulse-client.js';
import { client, closeAll, closedPort, token, workspace, until, sleep } from '../test-support/helpers.js';

after(closeAll);

// Anything the client lets escape would end up here and fail the run.
const escaped = [];
process.on('uncaughtException', (e) => escaped.push(e));
process.on('unhandledRejection', (e) => escaped.push(e));

test('connects, reports connecting then connected, knows its connection, and disconnects', async () => {
  const ws = workspace();
  const c = client({ token: await token('ann', ws) });
  assert.equal(c.state, 'disconnected');
  c.connect();
  assert.equal(c.state, 'connecting');
  await c.whenConnected();
  assert.deepEqual(c.log.states, ['connecting', 'connected']);
  assert.equal(c.transport, 'websocket');
  assert.equal(c.userId, 'ann');
  assert.equal(c.workspaceId, ws);
  assert.ok(c.connectionId, 'connection.info read at connect');
  const info = await c.request('connection.info');
  assert.deepEqual([...info.rooms].sort(), [`user:ann`, `workspace:${ws}`]);
  c.disconnect();
  assert.equal(c.state, 'disconnected');
  assert.deepEqual(c.log.states, ['connecting', 'connected', 'disconnected']);
  await assert.rejects(c.request('ping'), { code: 'not_connected' });
});

test('the token function is called again at every connect', async () => {
  const ws = workspace();
  let calls = 0;
  const c = client({ token: async () => { calls++; return token('bo', ws); } });
  await c.connect().whenConnected();
  c.disconnect();
  await c.connect().whenConnected();
  assert.equal(calls, 2);
});

test('a bad token ends in state error after the attempts, with errors reported and nothing thrown', async () => {
  const c = client({ token: 'not.a.jwt', backoff: { baseMs: 5, maxMs: 20, attempts: 3 } });
  const reconnects = [];
  c.on('reconnect', (r) => reconnects.push(r.attempt));
  c.connect();
  await assert.rejects(c.whenConnected(), { code: 'error' });
  assert.equal(c.state, 'error');
  assert.deepEqual(reconnects, [1, 2, 3]);
  assert.deepEqual(c.log.states, ['connecting', 'error']);
  assert.equal(c.log.errors.at(-1).code, 'reconnect_failed');
  // Requests fail fast instead of queueing forever.
  await assert.rejects(c.request('ping'), { code: 'not_connected' });
  await sleep(50);
  assert.deepEqual(escaped, []);
});

test('a token function that throws is reported, not thrown', async () => {
  const c = client({ token: () => { throw new Error('auth server down'); }, backoff: { baseMs: 5, attempts: 1 } });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.ok(c.log.errors.some((e) => e.code === 'token_error' && /auth server down/.test(e.message)));
  assert.deepEqual(escaped, []);
});

test('backoff doubles from baseMs up to maxMs, with half of each delay random', () => {
  const opts = { baseMs: 1000, maxMs: 30000 };
  const top = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 1));
  assert.deepEqual(top, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  const bottom = [0, 1, 2, 5].map((n) => backoffDelay(n, opts, () => 0));
  assert.deepEqual(bottom, [500, 1000, 2000, 15000]);
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(3, opts);
    assert.ok(d >= 4000 && d <= 8000, `jittered delay ${d}`);
  }
});

test('the reconnect schedule follows the backoff, and retry() starts it over', async () => {
  const c = createClient({
    url: `ws://127.0.0.1:${await closedPort()}/local`, token: 'x.y.z', random: () => 1,
    backoff: { baseMs: 4, maxMs: 20, attempts: 5 },
  });
  const delays = [];
  c.on('reconnect', (r) => delays.push(r.delayMs));
  c.on('error', () => {});
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.deepEqual(delays, [4, 8, 16, 20, 20]);
  delays.length = 0;
  c.retry();
  assert.equal(c.state, 'connecting');
  await until(() => c.state === 'error', 'state error again');
  assert.deepEqual(delays, [4, 8, 16, 20, 20]);
  c.disconnect();
});

test('handler and listener exceptions are caught and reported through on(error)', async () => {
  const ws = workspace();
  const c = client({ token: await token('cy', ws) });
  c.on('state', () => { throw new Error('listener bug'); });
  c.subscribe('*', () => { throw new Error('handler bug'); });
  await c.connect().whenConnected();
  const { publish } = await import('../test-support/helpers.js');
  await publish(ws, 'thing.happened', { workspace: true }, { n: 1 });
  await until(() => c.log.errors.some((e) => e.code === 'handler_error'), 'handler_error');
  assert.ok(c.log.errors.some((e) => e.code === 'listener_error'));
  assert.equal(c.log.events.length, 1, 'the other handler still got the event');
  assert.deepEqual(escaped, []);
});

test('heartbeat pings keep the connection active (the gateway sees traffic)', async () => {
  const ws = workspace();
  const c = client({ token: await token('dan', ws), pingIntervalMs: 300 });
  await c.connect().whenConnected();
  const { MANAGEMENT_URL } = await import('../test-support/helpers.js');
  const describe = async () => {
    const res = await fetch(`${MANAGEMENT_URL}/${encodeURIComponent(c.connectionId)}`, { headers: { Authorization: 'AWS4-HMAC-SHA256 local-test' } });
    assert.equal(res.status, 200);
    return res.json();
  };
  const before = Date.parse((await describe()).lastActiveAt);
  await sleep(1500); // a few heartbeats, and nothing else sent
  const after = Date.parse((await describe()).lastActiveAt);
  assert.ok(after > before, `lastActiveAt ${before} -> ${after}`);
});
