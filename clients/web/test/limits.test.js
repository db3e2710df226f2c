import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../src/pulse-client.js';
import { client, closeAll, token, workspace, until, flush, sleep } from '../test-support/helpers.js';

after(closeAll);

async function connected(user, ws, options = {}) {
  const c = client({ token: await token(user, ws), ...options });
  await c.connect().whenConnected();
  return c;
}

test('the limiter admits max sends per window per bucket, and says how long to wait', () => {
  let now = 0;
  const limiter = new RateLimiter({ 'room.join': [2, 1000], '*': [3, 1000] }, () => now);
  assert.equal(limiter.take('room.join'), 0);
  assert.equal(limiter.take('room.join'), 0);
  assert.equal(limiter.take('room.join'), 1000);
  assert.equal(limiter.take('ping'), 0, 'other actions use the shared bucket');
  now = 400;
  assert.equal(limiter.take('room.join'), 600);
  now = 1000;
  assert.equal(limiter.take('room.join'), 0);
  limiter.reset();
  assert.equal(limiter.take('room.join'), 0);
});

test('over the client-side limit a request is refused locally with rate_limited; nothing reaches the server', async () => {
  const ws = workspace();
  const c = await connected('ann', ws);
  for (let i = 1; i <= 5; i++) await c.join(`chat:${i}`);
  const refused = await c.join('chat:6').then(() => null, (e) => e);
  assert.equal(refused.code, 'rate_limited');
  assert.equal(refused.local, true);
  assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 60000, `retryAfterMs ${refused.retryAfterMs}`);
  const info = await c.request('connection.info');
  assert.ok(!info.rooms.includes('chat:6'));
  assert.equal(c.log.errors.length, 0);
});

test("in 'queue' mode an over-limit request waits for the window and then succeeds at the server", async () => {
  const ws = workspace();
  const c = await connected('bo', ws, { rateLimitMode: 'queue' });
  await c.join('chat:t');
  const replies = await Promise.all(Array.from({ length: 6 }, () => c.request('typing.start', { room: 'chat:t' })));
  assert.equal(replies.length, 6);
  replies.forEach((r) => assert.deepEqual(r, { room: 'chat:t' }));
});

test('typing over the limit is coalesced silently; the latest intent is sent when the window opens', async () => {
  const ws = workspace();
  const a = await connected('cy', ws);
  const b = await connected('dee', ws);
  await a.join('chat:k');
  await b.join('chat:k');
  for (let i = 0; i < 8; i++) {
    a.typing.start('chat:k');
    a.typing.stop('chat:k');
  }
  a.typing.start('chat:k'); // the last word: typing
  await flush(a);
  assert.deepEqual(a.log.errors, [], 'no error for coalesced typing');
  await until(() => b.typing.users('chat:k').includes('cy') && b.log.events.filter((f) => f.event === 'typing.start').length === 6,
    'the coalesced typing.start after the window');
  assert.equal(b.log.events.filter((f) => f.event.startsWith('typing.')).length, 11, '5 starts + 5 stops, then the latest');
});

test('typing.start repeats within typingRepeatMs are not sent', async () => {
  const ws = workspace();
  const a = await connected('eve', ws);
  const b = await connected('fay', ws);
  await a.join('chat:r');
  await b.join('chat:r');
  for (let i = 0; i < 20; i++) a.typing.start('chat:r');
  await flush(a);
  await until(() => b.typing.users('chat:r').length === 1, 'typing seen');
  await sleep(200);
  assert.equal(b.log.events.filter((f) => f.event === 'typing.start').length, 1);
  a.typing.stop('chat:r');
  await until(() => b.typing.users('chat:r').length === 0, 'typing.stop clears');
});

test('typing indicators expire after expiresInMs without a stop, and own typing on another device is ignored', async () => {
  const ws = workspace();
  const a = await connected('gus', ws);
  const phone = await connected('gus', ws); // the same user on another device
  const b = await connected('hal', ws);
  for (const c of [a, phone, b]) await c.join('chat:x');
  const changes = [];
  b.typing.onChange((room, users) => changes.push([room, users]));
  a.typing.start('chat:x');
  await until(() => b.typing.users('chat:x').includes('gus'), 'b sees gus typing');
  await until(() => phone.log.events.some((f) => f.event === 'typing.start'), 'the phone gets the event');
  assert.deepEqual(phone.typing.users('chat:x'), [], 'own typing ignored');
  const startFrame = b.log.events.find((f) => f.event === 'typing.start');
  assert.equal(startFrame.data.expiresInMs, 6000);
  a.disconnect(); // a closed laptop: no typing.stop
  await until(() => b.typing.users('chat:x').length === 0, 'indicator expired', 15000);
  assert.deepEqual(changes, [['chat:x', ['gus']], ['chat:x', []]]);
  assert.equal(b.log.events.filter((f) => f.event === 'typing.stop').length, 0, 'expired, not stopped');
});
