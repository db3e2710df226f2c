import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from '../src/pulse-client.js';
import { client, closeAll, closedPort, token, workspace, until, publish, sleep, POLL_URL, WS_URL } from '../test-support/helpers.js';

after(closeAll);

test('a token near expiry is replaced on the open socket with auth.refresh', async () => {
  const ws = workspace();
  const issued = [];
  const c = client({
    token: async () => { const t = await token('ann', ws, 3600); issued.push(t); return t; },
    refreshBeforeMs: 3600 * 1000 - 1500, // "near expiry" from the start: refresh after ~1.5 s
  });
  const refreshed = [];
  c.on('token', (t) => refreshed.push(t));
  await c.connect().whenConnected();
  const connectionId = c.connectionId;
  await until(() => refreshed.length >= 1, 'auth.refresh reply', 15000);
  c.disconnect();
  assert.ok(Date.parse(refreshed[0].expiresAt) > Date.now() + 3000 * 1000, refreshed[0].expiresAt);
  assert.equal(issued.length, 2, 'the token function gave the refresh token');
  assert.equal(c.log.states.filter((s) => s === 'connected').length, 1, 'no reconnect needed');
  assert.equal(c.connectionId ?? connectionId, connectionId);
  assert.deepEqual(c.log.errors, []);
});

test('token_expired closes the socket; the client reconnects with a fresh token', async () => {
  const ws = workspace();
  let n = 0;
  const c = client({
    token: () => token('bo', ws, n++ === 0 ? 2 : 3600), // the first token lapses after 2 s
    tokenRefresh: false,
    backoff: { baseMs: 50, maxMs: 100 },
  });
  await c.connect().whenConnected();
  const first = c.connectionId;
  const exp = decodeJwt(await token('bo', ws, 2)).exp;
  await sleep(Math.max(0, exp * 1000 - Date.now()) + 1200);
  await c.request('ping').catch((e) => assert.equal(e.code, 'token_expired'));
  await until(() => c.state === 'connected' && c.connectionId && c.connectionId !== first, 'reconnected', 15000);
  assert.equal(n, 2);
  assert.ok((await c.request('ping')).time);
});

test('when the WebSocket cannot connect the client polls /sync and delivers events through the same handlers', async () => {
  const ws = workspace();
  const c = client({
    url: `ws://127.0.0.1:${await closedPort()}/local`,
    pollUrl: POLL_URL,
    pollIntervalMs: 200,
    pollAfterFailures: 2,
    backoff: { baseMs: 20, maxMs: 200, attempts: 3 },
    token: async () => token('cy', ws),
  });
  const transports = [];
  c.on('transport', (t) => transports.push(t));
  const got = [];
  c.subscribe('approval.created', (data) => got.push(data));
  c.join('chat:p'); // polled too (rooms are kept locally while offline)
  c.connect();
  await until(() => c.transport === 'polling', 'polling');
  await sleep(500); // a few polls: positions known
  await publish(ws, 'approval.created', { workspace: true }, { id: 'p-1' });
  await publish(ws, 'approval.created', { rooms: ['chat:p'] }, { id: 'p-2' });
  await publish(ws, 'approval.created', { users: ['cy'] }, { id: 'p-3' });
  await until(() => got.length === 3, 'events through polling', 20000);
  assert.deepEqual(got.map((d) => d.id).sort(), ['p-1', 'p-2', 'p-3']);
  // Honest state: the WebSocket is still down and retried in the background, past the attempts.
  assert.equal(c.state, 'connecting');
  const reconnects = [];
  c.on('reconnect', (r) => reconnects.push(r.attempt));
  await until(() => reconnects.some((a) => a > 3), 'WebSocket retried beyond the attempts while polling');
  assert.notEqual(c.state, 'error');
  assert.equal(transports[0], 'polling');
  await assert.rejects(c.request('room.join', { room: 'chat:q' }, { timeoutMs: 300 }), { code: 'timeout' }); // waits in the outbox
});

test("with transport 'polling' the client only polls and reports connected once a poll succeeded", async () => {
  const ws = workspace();
  const c = client({ url: undefined, transport: 'polling', pollUrl: POLL_URL, pollIntervalMs: 200, token: await token('dee', ws) });
  await c.connect().whenConnected();
  assert.equal(c.transport, 'polling');
  await sleep(300);
  await publish(ws, 'notice', { users: ['dee'] }, { n: 1 });
  await until(() => c.log.events.length === 1, 'event by polling');
  await assert.rejects(c.request('ping'), { code: 'polling_only' });
});

test('polling switches back to the WebSocket when it comes back, without losing events', async () => {
  const ws = workspace();
  let url = `ws://127.0.0.1:${await closedPort()}/local`;
  const WS = class extends WebSocket { constructor(u, p) { super(u.replace(/^ws:\/\/[^/]+\/local/, url), p); } };
  const c = client({
    url: 'ws://placeholder/local', WebSocket: WS, pollUrl: POLL_URL, pollIntervalMs: 200, pollAfterFailures: 1,
    backoff: { baseMs: 100, maxMs: 300 }, token: await token('eve', ws),
  });
  c.connect();
  await until(() => c.transport === 'polling', 'polling');
  await sleep(400);
  await publish(ws, 'n', { users: ['eve'] }, { n: 1 });
  await until(() => c.log.events.length === 1, 'event by polling');
  url = WS_URL; // the network heals
  await c.whenConnected();
  assert.equal(c.transport, 'websocket');
  await publish(ws, 'n', { users: ['eve'] }, { n: 2 });
  await until(() => c.log.events.length === 2, 'event by WebSocket');
  assert.deepEqual(c.log.events.map((f) => f.data.n), [1, 2]);
});
