import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from '../src/compat.js';
import { token, workspace, until, publish, kick, sleep, signedToken, closedPort, WS_URL, POLL_URL } from '../test-support/helpers.js';

// The Socket.IO-style facade (issue 17, item 2) against the real local stack.

const escaped = [];
process.on('uncaughtException', (e) => escaped.push(e));
process.on('unhandledRejection', (e) => escaped.push(e));

const sockets = new Set();
after(() => sockets.forEach((s) => s.disconnect()));

/** io() as an app calls it, plus a record of the reserved events and of the client's errors. */
function socketFor(auth, options = {}) {
  const socket = io(WS_URL, { auth, ...options });
  socket.log = { connect: 0, disconnect: [], connectErrors: [], errors: [] };
  socket.on('connect', () => socket.log.connect++);
  socket.on('disconnect', (reason, details) => socket.log.disconnect.push({ reason, details }));
  socket.on('connect_error', (err) => socket.log.connectErrors.push(err));
  socket.pulse.on('error', (e) => socket.log.errors.push(e));
  sockets.add(socket);
  return socket;
}

const connected = (socket) => until(() => socket.connected, 'connected');

test('io(url, { auth: { token } }) connects: connect fires, connected and id are set', async () => {
  const ws = workspace();
  const socket = socketFor({ token: await token('ann', ws) });
  assert.equal(socket.connected, false);
  assert.equal(socket.id, undefined);
  await connected(socket);
  assert.equal(socket.log.connect, 1);
  const info = await socket.emitWithAck('connection.info');
  assert.equal(socket.id, info.connectionId, 'socket.id is the connection id the server knows');
  assert.equal(socket.disconnected, false);
  assert.equal(socket.active, true);
});

test("socket.io-client's auth(cb) form, and autoConnect: false waits for connect()", async () => {
  const ws = workspace();
  const minted = await token('amy', ws);
  const socket = socketFor((cb) => cb({ token: minted }), { autoConnect: false });
  assert.equal(socket.pulse.state, 'disconnected');
  assert.equal(socket.active, false);
  socket.connect();
  await connected(socket);
  assert.equal(socket.pulse.userId, 'amy');
});

test('on / once / off / onAny for server events', async () => {
  const ws = workspace();
  const socket = socketFor({ token: () => token('bo', ws) }); // a token function, as auth.token
  await connected(socket);
  const all = [];
  const once = [];
  const any = [];
  const handler = (data) => all.push(data.n);
  socket.on('approval.created', handler);
  socket.once('approval.created', (data) => once.push(data.n));
  socket.onAny((event, data) => any.push(`${event}:${data.n}`));
  await publish(ws, 'approval.created', { workspace: true }, { n: 1 });
  await publish(ws, 'approval.created', { workspace: true }, { n: 2 });
  await until(() => all.length === 2, 'both events');
  assert.deepEqual(once, [all[0]], 'once fired for the first only');
  socket.off('approval.created', handler);
  await publish(ws, 'approval.created', { workspace: true }, { n: 3 });
  await until(() => any.length === 3, 'the third, seen by onAny');
  assert.equal(all.length, 2, 'off stopped the listener');
  assert.deepEqual(socket.listeners('approval.created'), []);
});

test('emit(event, data, ack) publishes a client event to data.room; emitWithAck resolves; failures reach the ack', async () => {
  const ws = workspace();
  const alice = socketFor({ token: await token('alice', ws) });
  const bob = socketFor({ token: await token('bob', ws) });
  await Promise.all([connected(alice), connected(bob)]);
  await alice.emitWithAck('room.join', { room: 'chat:7' });
  await bob.emitWithAck('room.join', { room: 'chat:7' });
  const got = [];
  bob.on('client.message', (data, frame) => got.push({ data, frame }));

  const acked = await new Promise((resolve) => alice.emit('client.message', { room: 'chat:7', text: 'hi' }, resolve));
  assert.ok(acked.eventId, 'the ack gets the reply data');
  await until(() => got.length === 1, 'bob gets it');
  assert.deepEqual(got[0].data, { room: 'chat:7', text: 'hi' }, 'the listener gets the data as emitted');
  assert.equal(got[0].frame.data.userId, 'alice', 'the server stamps the sender');
  assert.equal(got[0].frame.room, 'chat:7');

  const reply = await alice.emitWithAck('client.message', { room: 'chat:7', text: 'again' });
  assert.ok(reply.eventId);
  await until(() => got.length === 2, 'the second');

  // A name outside the allowed client-event prefix: the server refuses, the ack hears it.
  const refused = await new Promise((resolve) => alice.emit('approval.created', { room: 'chat:7' }, resolve));
  assert.equal(refused.error.code, 'forbidden');
  await assert.rejects(alice.emitWithAck('approval.created', { room: 'chat:7' }), { code: 'forbidden' });
  // No room: refused locally, with a clear message.
  await assert.rejects(alice.emitWithAck('client.message', { text: 'where?' }), { code: 'invalid_frame', message: /data\.room/ });
  // Fire and forget: the failure goes to the client's error event, not to the app as an exception.
  alice.emit('client.message', { text: 'nowhere' });
  await until(() => alice.log.errors.some((e) => e.code === 'invalid_frame'), 'reported');
  assert.throws(() => alice.emit('connect'), /reserved/);
});

test('timeout(ms): the ack gets (err, reply) and err is timeout when no reply comes in time', async () => {
  const ws = workspace();
  const socket = socketFor({ token: await token('cy', ws) }, { backoff: { baseMs: 60000, maxMs: 60000 } });
  await connected(socket);
  const ok = await new Promise((resolve) => socket.timeout(10000).emit('ping', undefined, (err, reply) => resolve({ err, reply })));
  assert.equal(ok.err, null);
  assert.ok(ok.reply.time);
  // Dropped by the server and waiting a minute to reconnect: requests wait in the outbox, and time out.
  await kick(socket.id);
  await until(() => socket.pulse.state === 'reconnecting', 'reconnecting');
  const late = await new Promise((resolve) => socket.timeout(100).emit('ping', undefined, (err, reply) => resolve({ err, reply })));
  assert.equal(late.err.code, 'timeout');
  assert.equal(late.reply, undefined);
  await assert.rejects(socket.timeout(100).emitWithAck('ping'), { code: 'timeout' });
});

test('disconnect reasons: the server closing is io server disconnect (and it comes back), disconnect() is io client disconnect', async () => {
  const ws = workspace();
  const socket = socketFor({ token: await token('dee', ws) }, { backoff: { baseMs: 50, maxMs: 100 } });
  await connected(socket);
  const first = socket.id;
  await kick(first);
  await until(() => socket.log.connect === 2, 'reconnected');
  assert.deepEqual(socket.log.disconnect.map((d) => d.reason), ['io server disconnect']);
  assert.notEqual(socket.id, first);
  socket.disconnect();
  assert.deepEqual(socket.log.disconnect.map((d) => d.reason), ['io server disconnect', 'io client disconnect']);
  assert.equal(socket.connected, false);
  assert.equal(socket.active, false);
  assert.equal(socket.id, undefined);
  socket.connect();
  await until(() => socket.log.connect === 3, 'connect() again');
});

test('connect_error: a refused token is unauthorized with the reason and the socket stops; an unreachable server is unreachable', async () => {
  const ws = workspace();
  const refused = socketFor({ token: signedToken('eve', ws, -3600) }, { pollUrl: POLL_URL });
  await until(() => refused.log.connectErrors.length === 1 && !refused.active, 'refused');
  assert.equal(refused.log.connectErrors[0].code, 'unauthorized');
  assert.equal(refused.log.connectErrors[0].reason, 'token_expired');
  assert.equal(refused.connected, false);

  const port = await closedPort();
  const down = io(`ws://127.0.0.1:${port}/local`, { auth: { token: await token('eve', ws) }, authCheckUrl: `http://127.0.0.1:${port}/sync`, backoff: { baseMs: 5, maxMs: 5, attempts: 1 } });
  sockets.add(down);
  const errors = [];
  down.on('connect_error', (e) => errors.push(e));
  await until(() => !down.active, 'gave up');
  assert.ok(errors.length >= 1 && errors.every((e) => e.code === 'unreachable'));
});

test('a listener or an ack that throws is reported, never thrown into the app; no unhandled rejection', async () => {
  const ws = workspace();
  const socket = socketFor({ token: await token('fox', ws) });
  socket.on('connect', () => { throw new Error('connect listener bug'); });
  socket.on('approval.created', () => { throw new Error('event listener bug'); });
  await connected(socket);
  await publish(ws, 'approval.created', { workspace: true }, {});
  socket.emit('ping', undefined, () => { throw new Error('ack bug'); });
  socket.emitWithAck('no.such.action'); // ignored on purpose: must not become an unhandled rejection
  socket.timeout(1).emitWithAck('ping'); // may time out, ignored too
  await until(() => socket.log.errors.filter((e) => /bug/.test(e.message)).length === 3, 'the three bugs reported');
  await sleep(100);
  assert.deepEqual(escaped, []);
});
