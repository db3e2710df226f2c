// README.md's "Publishing an event" TypeScript example, run against the local stack (test/docs.test.js checks the
// README still shows exactly this).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Publisher } from '../../dist/index.js';
import { waitForFrame } from '../../dist/testing.js';
import { closeAll, connected, useLocalBus } from '../../test-support/support.js';

after(closeAll);
useLocalBus();

test('README: the TypeScript publishing example reaches the workspace, except the sender', async () => {
  const sender = await connected('u1', 'acme');
  const reader = await connected('u2', 'acme');
  const senderConnectionId = sender.id;
  const requestId = `req-${Date.now()}`;
  // #region readme
  const publisher = new Publisher(new EventBridgeClient({}), 'default', 'com.acme.approvals');
  const eventId = await publisher.event('approval.created')
    .toWorkspace('acme')                       // or .toUsers('acme', ['u1', 'u2']) / .toRoom('acme', 'chat:42')
    .except(senderConnectionId)                // optional: not back to the sender
    .correlationId(requestId)
    .data({ id: 'a1', workspaceId: 'acme', type: 'content', title: 'Budget',
      status: 'pending', createdAt: '2026-11-22T10:00:00Z' })   // HYVVE's approval item
    .send();                                   // resolves with the event id
  // #endregion
  const frame = await waitForFrame(reader, 'approval.created', undefined, (f) => f.eventId === eventId);
  assert.equal(frame.correlationId, requestId);
  assert.equal(frame.data.title, 'Budget');
  await publisher.event('approval.deleted').toUsers('acme', ['u1']).correlationId(requestId).data({ id: 'a1' }).send();
  await waitForFrame(sender, 'approval.deleted', undefined, (f) => f.correlationId === requestId);
  assert.equal(sender.events.some((f) => f.eventId === eventId), false, 'the sender did not get its own event');
});
