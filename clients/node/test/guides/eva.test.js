// The Pulse side of docs/migrating/eva.md, run against the local stack. The guide's code blocks are copied from the
// regions below (test/docs.test.js checks they still match).
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
const publisher = new Publisher(new EventBridgeClient({}), 'default', 'eva.api')
  .withCatalog(EventCatalog.load('eva'));
// #endregion

// #region backend
// useRealtimeUpdates' sendUpdate('create', task) becomes a call to your API, which saves and then publishes:
export function publishDataUpdate({ workspaceId, roomId, entity, action, id, data, updatedBy, connectionId }) {
  return publisher.event('data.update')                       // was data:update
    .toRoom(workspaceId, `room:${roomId}`)                   // EVA's 'project-123' is room:project-123
    .except(connectionId)                                    // the sender already applied it optimistically
    .data({ workspaceId, roomId, entity, action, id, data, updatedBy })
    .send();
}

export function broadcast(workspaceId, message, level = 'info') {
  return publisher.emitToWorkspace(workspaceId, 'broadcast', { workspaceId, message, level });
}
// #endregion

test('EVA: rooms, data updates, presence and client events', async () => {
  const workspaceId = workspace('eva');
  const PULSE_URL = WS_URL;
  const sessionToken = await devToken(HTTP_URL, 'user-7', workspaceId);
  const tasks = [];
  const notices = [];
  const teammate = await connected('user-8', workspaceId);
  await emitWithAck(teammate, 'room.join', { room: 'room:project-123' });
  // #region client
  const pulse = createClient({
    url: PULSE_URL,                                   // NEXT_PUBLIC_WEBSOCKET_URL: the stack's WebSocketUrl output
    token: () => sessionToken,                        // a JWT your API signs for the NextAuth session (no auth:request)
    backoff: { baseMs: 1000, attempts: 5 },           // reconnectionDelay, reconnectionAttempts
    openTimeoutMs: 20000,                             // timeout
  });
  pulse.subscribe('data.update', (update) => update.entity === 'tasks' && tasks.push(update));
  pulse.subscribe('broadcast', ({ message }) => notices.push(message));
  await pulse.connect().whenConnected();
  await pulse.join('room:project-123');               // joinRoom('project-123'); rejoined after every reconnect
  await pulse.presence.update('away');                // setStatus('away'), in every presence room of the connection
  const { onlineCount } = await pulse.presence.list(`workspace:${pulse.workspaceId}`);
  await pulse.publish('room:project-123', 'client.cursor', { x: 10, y: 20 }); // client-to-client: names start with client.
  // #endregion
  try {
    assert.equal(onlineCount, 2);
    const cursor = await waitForFrame(teammate, 'client.cursor');
    assert.deepEqual(cursor.data, { userId: 'user-7', data: { x: 10, y: 20 } }, 'the server adds the trusted sender');
    await publishDataUpdate({ workspaceId, roomId: 'project-123', entity: 'tasks', action: 'create', id: 'task-1',
      data: { title: 'New Task', completed: false }, updatedBy: 'user-8', connectionId: teammate.id });
    await broadcast(workspaceId, 'Maintenance at 18:00');
    const deadline = Date.now() + 10_000;
    while ((tasks.length === 0 || notices.length === 0) && Date.now() < deadline) await pulse.request('ping');
    assert.deepEqual(tasks.map((t) => [t.action, t.id, t.data.title]), [['create', 'task-1', 'New Task']]);
    assert.deepEqual(notices, ['Maintenance at 18:00']);
    assert.equal((await waitForEvent(teammate, 'broadcast')).message, 'Maintenance at 18:00');
    assert.equal(teammate.events.filter((f) => f.event === 'data.update').length, 0, 'the sender was skipped');
    assert.throws(() => publisher.event('data:update').toRoom(workspaceId, 'room:project-123').toEntry(),
      { name: 'InvalidEventError', message: /event data:update: \$: unknown event type/ });
  } finally {
    pulse.disconnect();
  }
});
