import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, closeAll, closedPort, signedToken, token, workspace, until, sleep, POLL_URL } from '../test-support/helpers.js';

after(closeAll);

// Issue 17, item 4: a refused token, a server that cannot be reached and a WebSocket that cannot open are told
// apart. A refused upgrade looks like any other failed socket (1006), so the client shows the same token to the
// polling endpoint, which answers with the status and reason of the refusal.

const escaped = [];
process.on('uncaughtException', (e) => escaped.push(e));
process.on('unhandledRejection', (e) => escaped.push(e));

function watched(options) {
  const c = client(options);
  c.log.connectErrors = [];
  c.log.reconnects = [];
  c.on('connect_error', (e) => c.log.connectErrors.push(e));
  c.on('reconnect', (r) => c.log.reconnects.push(r));
  return c;
}

test('a badly signed static token: unauthorized with the reason, no retry, state error', async () => {
  const ws = workspace();
  // The signature's first character changed (its last one may carry only padding bits: then nothing changes).
  const forged = (await token('ann', ws)).replace(/\.([^.])([^.]*)$/, (_, first, rest) => `.${first === 'A' ? 'B' : 'A'}${rest}`);
  const c = watched({ token: forged, pollUrl: POLL_URL, backoff: { baseMs: 5, attempts: 5 } });
  c.connect();
  const stopped = await c.whenConnected().then(() => null, (e) => e);
  assert.equal(stopped.code, 'error');
  assert.equal(stopped.reason, 'unauthorized');
  assert.equal(c.state, 'error');
  assert.deepEqual(c.log.connectErrors.map((e) => [e.code, e.reason]), [['unauthorized', 'signature_invalid']]);
  assert.deepEqual(c.log.reconnects, [], 'a refused static token is not retried');
  assert.equal(c.lastError.code, 'unauthorized');
  assert.equal(c.log.errors.at(-1).code, 'unauthorized');
  assert.deepEqual(c.log.states, ['connecting', 'error']);
});

test('an expired token: the token function is asked once more, then the client stops with token_expired', async () => {
  const ws = workspace();
  let asked = 0;
  const c = watched({ token: async () => { asked++; return signedToken('bo', ws, -3600); }, pollUrl: POLL_URL, backoff: { baseMs: 5, attempts: 5 } });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.equal(asked, 2, 'one fresh token asked for after the refusal');
  assert.deepEqual(c.log.connectErrors.map((e) => [e.code, e.reason]), [['unauthorized', 'token_expired'], ['unauthorized', 'token_expired']]);
  assert.equal(c.log.reconnects.length, 1);
  assert.equal(c.lastError.reason, 'token_expired');
});

test('an expired token followed by a fresh one from the token function: connected after one refusal', async () => {
  const ws = workspace();
  let asked = 0;
  const c = watched({
    token: async () => (asked++ === 0 ? signedToken('cy', ws, -3600) : token('cy', ws)),
    pollUrl: POLL_URL, backoff: { baseMs: 5, attempts: 5 },
  });
  await c.connect().whenConnected();
  assert.equal(asked, 2);
  assert.deepEqual(c.log.connectErrors.map((e) => e.reason), ['token_expired']);
  assert.equal(c.userId, 'cy');
  // A later refusal is judged on its own: the count starts over once connected.
  assert.equal(c.lastError, null);
});

test('a genuine token without a usable workspace claim: forbidden (claims_invalid)', async () => {
  const c = watched({ token: signedToken('dan', 'not#valid', 3600), authCheckUrl: POLL_URL, backoff: { baseMs: 5, attempts: 5 } });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.deepEqual(c.log.connectErrors.map((e) => [e.code, e.reason]), [['forbidden', 'claims_invalid']]);
  assert.deepEqual(c.log.reconnects, []);
});

test('a server that is down: unreachable (network) at every attempt, retried, then reconnect_failed', async () => {
  const ws = workspace();
  const port = await closedPort();
  const c = watched({
    url: `ws://127.0.0.1:${port}/local`, token: await token('eve', ws), authCheckUrl: `http://127.0.0.1:${port}/sync`,
    backoff: { baseMs: 5, maxMs: 10, attempts: 3 },
  });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.equal(c.log.connectErrors.length, 4, 'the first try and three retries');
  assert.ok(c.log.connectErrors.every((e) => e.code === 'unreachable' && e.reason === 'network'));
  assert.equal(c.log.reconnects.length, 3);
  assert.equal(c.lastError.code, 'reconnect_failed');
  assert.equal(c.lastError.reason, 'unreachable');
});

test('the HTTP side accepts the token but the WebSocket does not open: unreachable (websocket), retried', async () => {
  const ws = workspace();
  const c = watched({
    url: `ws://127.0.0.1:${await closedPort()}/local`, token: await token('fay', ws), authCheckUrl: POLL_URL,
    backoff: { baseMs: 5, maxMs: 10, attempts: 2 },
  });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.ok(c.log.connectErrors.length === 3 && c.log.connectErrors.every((e) => e.code === 'unreachable' && e.reason === 'websocket'));
});

test('without a check URL a failed socket is connect_failed: the cause cannot be told, so it is retried', async () => {
  const c = watched({ token: 'not.a.jwt', backoff: { baseMs: 5, maxMs: 10, attempts: 2 } });
  c.connect();
  await until(() => c.state === 'error', 'state error');
  assert.ok(c.log.connectErrors.length === 3 && c.log.connectErrors.every((e) => e.code === 'connect_failed'));
  assert.equal(c.lastError.code, 'reconnect_failed');
});

test('retry() after a refusal starts over: a token function that now gives a good token connects', async () => {
  const ws = workspace();
  let good = false;
  const c = watched({ token: async () => (good ? token('gus', ws) : signedToken('gus', ws, -60)), pollUrl: POLL_URL, backoff: { baseMs: 5 } });
  c.connect();
  await until(() => c.state === 'error', 'refused');
  good = true;
  c.retry();
  await c.whenConnected();
  assert.equal(c.userId, 'gus');
  await sleep(20);
  assert.deepEqual(escaped, [], 'nothing thrown or rejected unhandled along the way');
});
