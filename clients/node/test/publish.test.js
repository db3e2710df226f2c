// The publisher against the real local stack: PutEvents through the stock SDK to the local bus, the fan-out, and
// real WebSocket clients receiving exactly what was sent, to exactly the targets named.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PublishError, EventIdGenerator } from '../dist/index.js';
import { emitWithAck, waitForEvent, waitForFrame, disconnect } from '../dist/testing.js';
import { closeAll, connected, eventBridge, named, publisher, workspace } from '../test-support/support.js';

after(closeAll);

test('toWorkspace reaches every connection of the workspace and none of another workspace', async () => {
  const ws = workspace();
  const other = workspace();
  const [alice, bob, outsider] = [await connected('alice', ws), await connected('bob', ws), await connected('alice', other)];
  const pulse = publisher();
  const id = await pulse.event('approval.created').toWorkspace(ws).correlationId('req-7').data({ id: 'a-1' }).send();
  for (const socket of [alice, bob]) {
    const frame = await waitForFrame(socket, 'approval.created');
    assert.equal(frame.eventId, id);
    assert.equal(frame.room, `workspace:${ws}`);
    assert.equal(frame.correlationId, 'req-7');
    assert.deepEqual(frame.data, { id: 'a-1' });
    assert.equal(Date.parse(frame.timestamp), EventIdGenerator.millisOf(id), 'publishedAt is the id\'s time');
  }
  // The outsider's own workspace event arrives after: the other one never did.
  await pulse.event('approval.created').toWorkspace(other).data({ id: 'mine' }).send();
  assert.deepEqual(await waitForEvent(outsider, 'approval.created'), { id: 'mine' });
  assert.equal(named(outsider, 'approval.created').length, 1);
});

test('toUsers reaches every device of each user named, and no one else', async () => {
  const ws = workspace();
  const phone = await connected('u1', ws);
  const laptop = await connected('u1', ws);
  const u2 = await connected('u2', ws);
  const u3 = await connected('u3', ws);
  const pulse = publisher();
  await pulse.event('task.assigned').toUsers(ws, ['u1', 'u2']).data({ taskId: 't-1' }).send();
  for (const socket of [phone, laptop]) {
    assert.equal((await waitForFrame(socket, 'task.assigned')).room, 'user:u1');
  }
  assert.equal((await waitForFrame(u2, 'task.assigned')).room, 'user:u2');
  await pulse.event('task.assigned').toUsers(ws, ['u3']).data({ taskId: 't-2' }).send();
  assert.deepEqual(await waitForEvent(u3, 'task.assigned'), { taskId: 't-2' }, 'u3 got only its own');
});

test('toRoom reaches the room\'s members; except skips the sender (its event is logged, not posted to it)', async () => {
  const ws = workspace();
  const sender = await connected('ann', ws);
  const reader = await connected('ben', ws);
  const away = await connected('cat', ws);
  await emitWithAck(sender, 'room.join', { room: 'chat:42' });
  await emitWithAck(reader, 'room.join', { room: 'chat:42' });
  const pulse = publisher();
  await pulse.event('chat.message').toRoom(ws, 'chat:42').except(sender.id).data({ text: 'hi' }).send();
  assert.equal((await waitForFrame(reader, 'chat.message')).seq, 1);
  await pulse.event('chat.message').toRoom(ws, 'chat:42').data({ text: 'second' }).send();
  const second = await waitForFrame(sender, 'chat.message');
  assert.deepEqual(second.data, { text: 'second' });
  assert.equal(second.seq, 2, 'the first was logged at seq 1 and never posted to the sender');
  assert.equal(named(sender, 'chat.message').length, 1);
  await pulse.event('chat.message').toUsers(ws, ['cat']).data({ text: 'direct' }).send();
  assert.deepEqual(await waitForEvent(away, 'chat.message'), { text: 'direct' }, 'not a member: only its own event');
});

test('one event to several targets reaches a connection once, through the first matching room', async () => {
  const ws = workspace();
  const socket = await connected('dan', ws);
  await emitWithAck(socket, 'room.join', { room: 'project:p-9' });
  await publisher().event('project.updated').toRoom(ws, 'project:p-9').toUsers(ws, ['dan']).data({ v: 1 }).send();
  assert.equal((await waitForFrame(socket, 'project.updated')).room, 'user:dan');
  await publisher().event('project.updated').toUsers(ws, ['dan']).data({ v: 2 }).send();
  await waitForEvent(socket, 'project.updated', undefined, (f) => f.data.v === 2);
  assert.equal(named(socket, 'project.updated').length, 2, 'one frame per event');
});

test('the seeds\' helpers: emitToWorkspace, emitToRoom and emitToUserRooms (an empty list sends nothing)', async () => {
  const ws = workspace();
  const socket = await connected('eve', ws);
  await emitWithAck(socket, 'room.join', { room: 'chat:abc123' });
  const client = eventBridge();
  const pulse = publisher({}, client);
  const id = await pulse.emitToWorkspace(ws, 'approval.deleted', { id: 'a-9' }, { correlationId: 'c-1' });
  assert.equal((await waitForFrame(socket, 'approval.deleted')).eventId, id);
  await pulse.emitToRoom(ws, 'chat:abc123', 'message.new', { chatId: 'abc123' }, { except: 'someone-else' });
  assert.deepEqual(await waitForEvent(socket, 'message.new'), { chatId: 'abc123' });
  await pulse.emitToUserRooms(ws, 'task.created', ['eve'], { taskId: 't-1' }, { eventId: 'task-t-1-created' });
  assert.equal((await waitForFrame(socket, 'task.created')).eventId, 'task-t-1-created');
  const calls = client.calls.length;
  assert.equal(await pulse.emitToUserRooms(ws, 'task.created', [], { taskId: 't-2' }), null);
  assert.equal(client.calls.length, calls, 'no PutEvents call for an empty user list');
});

test('sendAll sends 25 events in 3 calls of at most 10, and every event arrives', async () => {
  const ws = workspace();
  const socket = await connected('fay', ws);
  const client = eventBridge();
  const pulse = publisher({}, client);
  const requests = Array.from({ length: 25 }, (_, i) => pulse.event('bulk.item').toUsers(ws, ['fay']).data({ i }));
  const ids = await pulse.sendAll(requests);
  assert.deepEqual(ids, requests.map((r) => r.eventId()));
  assert.deepEqual(client.calls, [10, 10, 5]);
  for (let i = 0; i < 25; i++) await waitForEvent(socket, 'bulk.item', undefined, (f) => f.data.i === i);
  assert.equal(new Set(named(socket, 'bulk.item').map((f) => f.eventId)).size, 25);
});

test('sendAll keeps each call under 256 KB: three 100 KB events take two calls', async () => {
  const ws = workspace();
  const socket = await connected('gil', ws);
  const client = eventBridge();
  const pulse = publisher({}, client);
  const blob = 'x'.repeat(100 * 1024);
  await pulse.sendAll([0, 1, 2].map((i) => pulse.event('big.item').toUsers(ws, ['gil']).data({ i, blob })));
  assert.deepEqual(client.calls, [2, 1]);
  for (let i = 0; i < 3; i++) await waitForEvent(socket, 'big.item', undefined, (f) => f.data.i === i);
});

test('entries EventBridge rejects are reported with their codes, and the rest are published', async () => {
  const ws = workspace();
  const socket = await connected('hal', ws);
  const good = publisher();
  const lost = publisher({ bus: 'no-such-bus' });
  const first = good.event('mixed.item').toUsers(ws, ['hal']).data({ n: 1 });
  const refused = lost.event('mixed.item').toUsers(ws, ['hal']).data({ n: 2 });
  const third = good.event('mixed.item').toUsers(ws, ['hal']).data({ n: 3 });
  const error = await good.sendAll([first, refused, third]).then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof PublishError, String(error));
  assert.deepEqual(error.publishedEventIds, [first.eventId(), third.eventId()]);
  assert.equal(error.failures.length, 1);
  assert.equal(error.failures[0].eventId, refused.eventId());
  assert.equal(error.errorCode, 'ResourceNotFoundException');
  assert.match(error.message, /rejected 1 of 3 entries/);
  for (const n of [1, 3]) await waitForEvent(socket, 'mixed.item', undefined, (f) => f.data.n === n);
  await assert.rejects(lost.event('x.y').toWorkspace(ws).send(), { name: 'PublishError', errorCode: 'ResourceNotFoundException' });
});

test('a repeated send keeps its event id, and the fan-out delivers it once', async () => {
  const ws = workspace();
  const socket = await connected('ivy', ws);
  const pulse = publisher();
  const request = pulse.event('retry.item').toUsers(ws, ['ivy']).data({ n: 1 });
  const id = await request.send();
  assert.equal(await request.send(), id);
  await waitForEvent(socket, 'retry.item');
  await pulse.event('retry.item').toUsers(ws, ['ivy']).data({ n: 2 }).send();
  await waitForEvent(socket, 'retry.item', undefined, (f) => f.data.n === 2);
  assert.equal(named(socket, 'retry.item').length, 2, 'the repeat of n=1 was dropped');
});

test('control commands: joinRoom, removeFromRoom with a reason, closeConnections', async () => {
  const ws = workspace();
  const socket = await connected('jo', ws);
  const pulse = publisher();
  await pulse.joinRoom(ws, 'project:p-1', 'jo');
  assert.equal((await waitForEvent(socket, 'room.joined')).room, 'project:p-1');
  await pulse.event('project.note').toRoom(ws, 'project:p-1').data({ n: 1 }).send();
  await waitForEvent(socket, 'project.note');

  await pulse.removeFromRoom(ws, 'project:p-1', 'jo', 'removed from the project');
  assert.deepEqual(await waitForEvent(socket, 'room.removed'), { room: 'project:p-1', reason: 'removed from the project' });
  await pulse.event('project.note').toRoom(ws, 'project:p-1').data({ n: 2 }).send();
  await pulse.event('project.note').toUsers(ws, ['jo']).data({ n: 3 }).send();
  await waitForEvent(socket, 'project.note', undefined, (f) => f.data.n === 3);
  assert.deepEqual(named(socket, 'project.note').map((f) => f.data.n), [1, 3], 'the room\'s events stopped');

  const closed = new Promise((resolve) => socket.ws.addEventListener('close', (e) => resolve(e.code)));
  await pulse.closeConnections(ws, 'jo');
  assert.equal(await closed, 1000);
  await disconnect(socket); // already closed: resolves at once
});

test('a control command for one connection leaves the user\'s other devices alone', async () => {
  const ws = workspace();
  const phone = await connected('kim', ws);
  const laptop = await connected('kim', ws);
  const pulse = publisher();
  await pulse.control({ control: 'room.join', workspaceId: ws, connectionId: phone.id, room: 'chat:7', correlationId: 'c-9' });
  await waitForEvent(phone, 'room.joined');
  await pulse.event('chat.message').toRoom(ws, 'chat:7').data({ text: 'only the phone' }).send();
  await waitForEvent(phone, 'chat.message');
  await pulse.event('chat.message').toUsers(ws, ['kim']).data({ text: 'both' }).send();
  assert.deepEqual(await waitForEvent(laptop, 'chat.message'), { text: 'both' }, 'the laptop never joined chat:7');
});
