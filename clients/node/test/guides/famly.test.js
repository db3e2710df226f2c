// The Pulse side of docs/migrating/famly.md, run against the local stack. The guide's code blocks are copied from the
// regions below (test/docs.test.js checks they still match).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, Publisher } from '../../dist/index.js';
import { connect, devToken, disconnect, emitWithAck, waitForEvent } from '../../dist/testing.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createClient } from '../../../web/src/pulse-client.js';
import { HTTP_URL, WS_URL, useLocalBus, workspace } from '../../test-support/support.js';

useLocalBus();
// #region publisher
const publisher = new Publisher(new EventBridgeClient({}), 'default', 'famly.tasks')
  .withCatalog(EventCatalog.load('famly'));
// #endregion
const open = [];
after(() => open.forEach((c) => c.disconnect()));

// #region emitters
export function emitTaskCreated(task, assignedUserIds = []) {
  const targetUserIds = [...assignedUserIds];
  if (task.assignment.type === 'member') targetUserIds.push(task.assignment.memberId);
  // An empty list sends nothing, as in Famly's emitToUserRooms.
  return publisher.emitToUserRooms(task.familyId, 'task.created', targetUserIds, {
    taskId: task._id, familyId: task.familyId, userId: targetUserIds[0], task,
  });
}

export function emitMessageNew(familyId, chatId, message) {
  return publisher.emitToRoom(familyId, `chat:${chatId}`, 'message.new', { chatId, familyId, message });
}
// #endregion

const task = (familyId, name, memberId) => ({ _id: `t-${name}`, familyId, name, status: 'open',
  assignment: { type: 'member', memberId } });

test('Famly: an e2e test with the shipped helpers, as tests/e2e/helpers/socket-client.ts has them', async () => {
  const familyId = workspace('fam');
  const baseUrl = WS_URL;
  const userToken = await devToken(HTTP_URL, 'u_kim', familyId);
  const createTask = ({ name }) => emitTaskCreated(task(familyId, name, 'u_kim')); // the REST call's service, in-process
  // #region e2e
  const socket = await connect(baseUrl, userToken);

  const eventPromise = waitForEvent(socket, 'task.created', 5000);
  await createTask({ name: 'Test' });                        // what POST /v1/entities does
  const event = await eventPromise;
  assert.equal(event.task.name, 'Test');

  const ack = await emitWithAck(socket, 'room.join', { room: 'chat:abc123' }); // Famly's emitWithAck(socket, "room:join", { chatId })
  assert.equal(ack.room, 'chat:abc123');

  await disconnect(socket);
  // #endregion
  assert.equal(await emitTaskCreated({ ...task(familyId, 'nobody'), assignment: { type: 'anyone' } }), null, 'no one to tell');
});

test('Famly: the client connects, listens and joins a chat; message.new reaches the chat\'s members', async () => {
  const familyId = workspace('fam');
  const jwtOrSessionToken = await devToken(HTTP_URL, 'u_ann', familyId);
  const PULSE_URL = WS_URL;
  const got = [];
  const log = (...args) => got.push(args);
  // #region client
  const socket = createClient({
    url: PULSE_URL,                                 // the stack's WebSocketUrl output; locally ws://localhost:8787/local
    token: jwtOrSessionToken,                       // auth: { token }
    backoff: { baseMs: 1000, attempts: 3 },         // reconnectionDelay, reconnectionAttempts
  });
  socket.on('state', (state) => log('state', state)); // connect / disconnect / connect_error become states
  socket.subscribe('task.created', (event) => log('New task:', event.task.name));
  socket.subscribe('message.new', (event) => log('Message:', event.message.content));
  socket.connect();
  await socket.join('chat:abc123');                  // socket.emit("room:join", …), kept across reconnects
  // #endregion
  open.push(socket);
  await emitMessageNew(familyId, 'abc123', { _id: 'm_1', senderId: 'u_bo', content: 'Dinner at 7!', createdAt: '2025-11-02T17:00:00Z' });
  await emitTaskCreated(task(familyId, 'Dishes', 'u_ann'));
  const deadline = Date.now() + 10_000;
  while (got.filter(([what]) => what !== 'state').length < 2 && Date.now() < deadline) await socket.request('ping');
  assert.deepEqual(got.filter(([what]) => what !== 'state').sort(), [['Message:', 'Dinner at 7!'], ['New task:', 'Dishes']]);
  assert.ok(got.some(([what, state]) => what === 'state' && state === 'connected'));
});
