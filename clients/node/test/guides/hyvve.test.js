// The Pulse side of docs/migrating/hyvve.md, run against the local stack. The guide's code blocks are copied from the
// regions below (test/docs.test.js checks they still match).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, Publisher } from '../../dist/index.js';
import { devToken, emitWithAck, waitForEvent } from '../../dist/testing.js';
import { createClient } from '../../../web/src/pulse-client.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { HTTP_URL, WS_URL, closeAll, connected, useLocalBus, workspace } from '../../test-support/support.js';

after(closeAll);
useLocalBus(); // AWS_ENDPOINT_URL_EVENTBRIDGE and dummy credentials, as the guide says for ./pulse local

// #region publisher
const publisher = new Publisher(new EventBridgeClient({}), 'default', 'com.hyvve.api')
  .withCatalog(EventCatalog.load('hyvve')); // optional: refuse what the catalog refuses, before sending

export function emitToWorkspace(workspaceId, event, data) {
  return publisher.emitToWorkspace(workspaceId, event, data, { correlationId: data.correlationId });
}
// #endregion

// #region bridge
// HYVVE's Event Bus → EventBridge. Reads the stream with a consumer group (a crash re-reads what was not acknowledged;
// the BaseEvent's id is the event id, so a re-read is delivered once) and routes as the HYVVE catalog's routes do.
const FOR_CLIENTS = /^(approval\.|agent\.|notification\.new$|chat\.message$)/;

function toPulse(event) {
  const request = publisher.event(event.type).eventId(event.id).correlationId(event.correlationId).data(event.data);
  if (event.type === 'notification.new') return request.toUsers(event.tenantId, [event.data.userId]);
  if (event.type === 'chat.message') return request.toRoom(event.tenantId, `chat:${event.data.chatId}`);
  return request.toWorkspace(event.tenantId);
}

export async function bridgeOnce(redis, { stream = 'hyvve:events', group = 'pulse-bridge', consumer = 'bridge-1' } = {}) {
  const batches = await redis.xReadGroup(group, consumer, { key: stream, id: '>' }, { COUNT: 10, BLOCK: 5000 });
  for (const { messages } of batches ?? []) {
    const events = messages.map(({ message }) => JSON.parse(message.event)); // the BaseEvent, as EventPublisherService wrote it
    await publisher.sendAll(events.filter((e) => FOR_CLIENTS.test(e.type)).map(toPulse));
    await redis.xAck(stream, group, messages.map(({ id }) => id));
  }
}
// #endregion

/**
 * Stands in for node-redis v4's client (no Redis on the build machines): xReadGroup answers in node-redis's shape,
 * [{ name, messages: [{ id, message }] }], with each entry once, and xAck records what was acknowledged.
 */
function streamOf(events) {
  const pending = events.map((event, i) => ({ id: `1-${i}`, message: { event: JSON.stringify(event) } }));
  const acked = [];
  return {
    acked,
    async xReadGroup(group, consumer, { key }, { COUNT }) {
      const messages = pending.splice(0, COUNT);
      return messages.length ? [{ name: key, messages }] : null;
    },
    async xAck(key, group, ids) {
      acked.push(...ids);
      return ids.length;
    },
  };
}

const approval = (ws, id) => ({ id, workspaceId: ws, type: 'content', title: 'Budget review', status: 'pending',
  createdAt: '2025-12-13T09:30:00Z' });

test('HYVVE: the provider\'s client with HYVVE\'s backoff, subscribe, and emitToWorkspace from the backend', async () => {
  const ws = workspace('hyvve');
  const getCurrentSessionToken = () => devToken(HTTP_URL, 'maya', ws);
  const PULSE_URL = WS_URL;
  const states = [];
  const setConnectionState = (state) => states.push(state);
  const queue = [];
  const addToQueue = (item) => queue.push(item);
  // #region client
  const pulse = createClient({
    url: PULSE_URL,                                        // the stack's WebSocketUrl output; locally ws://localhost:8787/local
    token: () => getCurrentSessionToken(),                 // asked at every (re)connect: a JWT your API signs
    backoff: { baseMs: 1000, maxMs: 30000, attempts: 10 }, // reconnectBaseDelay, reconnectMaxDelay, maxReconnectAttempts
  });
  pulse.on('state', (state) => setConnectionState(state)); // disconnected | connecting | connected | reconnecting | error
  const unsubscribe = pulse.subscribe('approval.created', (data) => addToQueue(data));
  pulse.connect();
  // #endregion
  try {
    await pulse.whenConnected();
    assert.deepEqual(states.slice(0, 2), ['connecting', 'connected']);
    await emitToWorkspace(ws, 'approval.created', { ...approval(ws, 'appr_01'), correlationId: 'req-8f2a' });
    const other = await connected('noah', ws);
    await emitToWorkspace(ws, 'approval.created', approval(ws, 'appr_02'));
    await waitForEvent(other, 'approval.created', undefined, (f) => f.data.id === 'appr_02');
    await pulse.request('ping'); // every frame sent before the reply has been handled
    assert.deepEqual(queue.map((item) => item.id).sort(), ['appr_01', 'appr_02']);
    unsubscribe();
    await assert.rejects(emitToWorkspace(ws, 'approval.created', { id: 'appr_03', workspaceId: ws }),
      { name: 'InvalidEventError', message: /event approval\.created: \$: must have required property 'type'/ });
  } finally {
    pulse.disconnect();
  }
});

test('HYVVE: typing in a chat, from the client', async () => {
  const ws = workspace('hyvve');
  const chatId = 'chat-123';
  const writer = createClient({ url: WS_URL, token: await devToken(HTTP_URL, 'maya', ws) });
  const reader = createClient({ url: WS_URL, token: await devToken(HTTP_URL, 'noah', ws) });
  try {
    await reader.connect().whenConnected();
    await writer.connect().whenConnected();
    await reader.join(`chat:${chatId}`);
    await writer.join(`chat:${chatId}`);
    const typing = new Promise((resolve) => reader.typing.onChange((room, userIds) => userIds.length && resolve({ room, userIds })));
    // #region typing
    writer.typing.start(`chat:${chatId}`); // HYVVE's emit('typing.start', { chatId }); stops by itself, or typing.stop
    // #endregion
    assert.deepEqual(await typing, { room: 'chat:chat-123', userIds: ['maya'] });
  } finally {
    writer.disconnect();
    reader.disconnect();
  }
});

test('HYVVE: the Redis Streams bridge delivers the bus\'s client events once, to the catalog\'s rooms, and acks all', async () => {
  const ws = workspace('hyvve');
  const maya = await connected('maya', ws);
  const noah = await connected('noah', ws);
  await emitWithAck(noah, 'room.join', { room: 'chat:c-1' });
  const base = (id, type, data) => ({ id, type, source: 'approvals', timestamp: '2025-12-13T09:30:00Z',
    correlationId: `corr-${id}`, tenantId: ws, userId: 'maya', version: '1.0', data });
  const redis = streamOf([
    base('evt-1', 'approval.created', approval(ws, 'appr_1')),
    base('evt-2', 'notification.new', { id: 'ntf_1', workspaceId: ws, userId: 'maya', type: 'approval.assigned',
      title: 'You have a new approval', createdAt: '2025-12-13T09:30:01Z' }),
    base('evt-3', 'workflow.internal', { step: 3 }), // not for clients: acknowledged, not published
    base('evt-4', 'chat.message', { id: 'm_1', workspaceId: ws, chatId: 'c-1', senderId: 'maya', content: 'Ready.',
      createdAt: '2025-12-13T10:02:06Z' }),
    base('evt-1', 'approval.created', approval(ws, 'appr_1')), // the same BaseEvent again: delivered once
  ]);
  await bridgeOnce(redis);
  const created = await waitForEvent(maya, 'approval.created');
  assert.equal(created.id, 'appr_1');
  assert.equal(maya.events.find((f) => f.event === 'approval.created').eventId, 'evt-1');
  assert.equal((await waitForEvent(maya, 'notification.new')).id, 'ntf_1');
  assert.equal((await waitForEvent(noah, 'chat.message')).id, 'm_1');
  assert.equal(noah.events.filter((f) => f.event === 'notification.new').length, 0, 'the notification is maya\'s only');
  assert.deepEqual(redis.acked, ['1-0', '1-1', '1-2', '1-3', '1-4']);
  await waitForEvent(noah, 'approval.created');
  await bridgeOnce(redis); // nothing left: a no-op
  assert.equal(maya.events.filter((f) => f.event === 'approval.created').length, 1, 'the re-read evt-1 was dropped');
});
