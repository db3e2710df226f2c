// The Pulse side of docs/migrating/worklamp.md, run against the local stack. The guide's code blocks are copied from
// the regions below (test/docs.test.js checks they still match).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventCatalog, Publisher } from '../../dist/index.js';
import { devToken, emitWithAck, waitForEvent, waitForFrame } from '../../dist/testing.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createClient } from '../../../web/src/pulse-client.js';
import { HTTP_URL, WS_URL, closeAll, connected, useLocalBus, workspace } from '../../test-support/support.js';

after(closeAll);
useLocalBus();
// #region publisher
const publisher = new Publisher(new EventBridgeClient({}), 'default', 'worklamp.backend')
  .withCatalog(EventCatalog.load('worklamp'));
// #endregion

// #region emitters
// Rooms lose their tenant prefix: every room is inside the connection's workspace, which is the tenant.
export function emitTaskCreated(task) {
  return publisher.event('task.created')
    .toRoom(task.tenantId, `project:${task.projectId}`)      // was tenant:{tenantId}:project:{projectId}
    .data(task)
    .send();
}

export function emitNotification(notification) {
  return publisher.event('notification.new')
    .toUsers(notification.tenantId, [notification.userId])   // was user:{userId}
    .data(notification)
    .send();
}
// #endregion

test('Worklamp: project rooms, channel typing and the heartbeat, from the client; tasks from the backend', async () => {
  const tenantId = workspace('tn');
  const PULSE_URL = WS_URL;
  const accessToken = await devToken(HTTP_URL, 'usr_jo', tenantId);
  const projectId = 'prj_web';
  const channelId = 'general';
  const created = [];
  const colleague = await connected('usr_al', tenantId);
  await emitWithAck(colleague, 'room.join', { room: `channel:${channelId}` });
  // #region client
  const pulse = createClient({
    url: PULSE_URL,                         // the stack's WebSocketUrl output; locally ws://localhost:8787/local
    token: accessToken,                     // the same JWT as the REST API (sub = user, workspaceId = tenant)
    backoff: { maxMs: 30000 },              // exponential backoff, at most 30 s
    pingIntervalMs: 25000,                  // Worklamp's 25 s heartbeat (API Gateway closes after 10 idle minutes)
  });
  pulse.subscribe('task.created', (data) => created.push(data.title));
  await pulse.connect().whenConnected();
  await pulse.join(`project:${projectId}`); // the project room; the access hook decides who may (PULSE_ROOM_ACCESS)
  await pulse.join(`channel:${channelId}`);
  pulse.typing.start(`channel:${channelId}`);
  // #endregion
  try {
    await emitTaskCreated({ id: 'tsk_1', projectId, tenantId, title: 'Wire up login', status: 'todo', priority: 'high' });
    await emitNotification({ id: 'ntf_1', tenantId, userId: 'usr_al', type: 'task_assigned',
      message: 'Jo assigned you "Wire up login"', createdAt: '2025-10-01T12:00:01Z' });
    assert.equal((await waitForEvent(colleague, 'notification.new')).id, 'ntf_1');
    const typing = await waitForFrame(colleague, 'typing.start');
    assert.equal(typing.room, `channel:${channelId}`);
    assert.equal(typing.data.userId, 'usr_jo');
    const deadline = Date.now() + 10_000;
    while (created.length === 0 && Date.now() < deadline) await pulse.request('ping');
    assert.deepEqual(created, ['Wire up login']);
    assert.equal(colleague.events.filter((f) => f.event === 'task.created').length, 0, 'not in the project room');
  } finally {
    pulse.disconnect();
  }
});
