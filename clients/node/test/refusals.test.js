// What the fan-out or EventBridge would refuse is refused here first, before any network call, with an error naming
// the event and the field. The client counts the PutEvents calls it really makes: none, for every case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Publisher, PublishRefusedError, MAX_ENTRY_BYTES } from '../dist/index.js';
import { eventBridge, publisher } from '../test-support/support.js';

const client = eventBridge();
const pulse = publisher({}, client);

/** Asserts the refusal (name, event, field, message) and that nothing reached the network. */
function refused(action, field, message, event = 'chat.message') {
  const before = client.calls.length;
  assert.throws(action, (e) => {
    assert.ok(e instanceof PublishRefusedError, `${e}`);
    assert.equal(e.event, event);
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
  assert.equal(client.calls.length, before, 'no PutEvents call');
}

test('an invalid room name is refused, naming the room and the rule', () => {
  for (const room of ['Chat:42', 'chat', 'chat:', 'chat:a b', 'chat:a/b', 'chat:a#b', `chat:${'x'.repeat(129)}`, 42, undefined]) {
    refused(() => pulse.event('chat.message').toRoom('w1', room), 'targets.rooms[0]', /not a valid room name/);
  }
  refused(() => pulse.event('chat.message').toRoom('w1', 'chat:1').toRoom('w1', 'bad room'), 'targets.rooms[1]', /"bad room"/);
});

test('room and user ids may hold what identity providers use: colons, pipes, @', () => {
  const request = pulse.event('chat.message').toRoom('w1', 'doc:folder:7').toUsers('w1', ['auth0|64f1c2', 'a@b.c']);
  assert.deepEqual(request.envelope().targets, { workspace: false, users: ['auth0|64f1c2', 'a@b.c'], rooms: ['doc:folder:7'] });
});

test('an invalid user id is refused, naming its index', () => {
  refused(() => pulse.event('chat.message').toUsers('w1', ['u1', 'has space']), 'targets.users[1]', /not a valid user id: "has space"/);
  refused(() => pulse.event('chat.message').toUsers('w1', ['']), 'targets.users[0]', /not a valid user id/);
  refused(() => pulse.event('chat.message').toUsers('w1', ['u/1']), 'targets.users[0]', /not a valid user id/);
  refused(() => pulse.event('chat.message').toUsers('w1', 'u1'), 'targets.users', /must be an array/);
});

test('a missing or invalid workspace is refused; targets cannot span workspaces', () => {
  refused(() => pulse.event('chat.message').toWorkspace(''), 'workspaceId', /is missing/);
  refused(() => pulse.event('chat.message').toWorkspace(undefined), 'workspaceId', /is missing/);
  refused(() => pulse.event('chat.message').toRoom(' ', 'chat:1'), 'workspaceId', /is missing/);
  refused(() => pulse.event('chat.message').toWorkspace('w/1'), 'workspaceId', /not a valid id/);
  refused(() => pulse.event('chat.message').toWorkspace('w1').toRoom('w2', 'chat:1'), 'workspaceId', /same workspace: w1 vs w2/);
});

test('an event without a target is refused when sent', async () => {
  const before = client.calls.length;
  await assert.rejects(pulse.event('chat.message').data({}).send(), { name: 'PublishRefusedError', field: 'targets', message: /has no target/ });
  await assert.rejects(pulse.sendAll([pulse.event('a.b').toWorkspace('w1'), pulse.event('chat.message')]), { field: 'targets' });
  assert.equal(client.calls.length, before, 'sendAll checks every request before sending any');
});

test('an entry over 256 KB is refused, with its size', async () => {
  const before = client.calls.length;
  const big = pulse.event('chat.message').toWorkspace('w1').data({ blob: 'x'.repeat(MAX_ENTRY_BYTES) });
  await assert.rejects(big.send(), { name: 'PublishRefusedError', field: 'data', message: /is \d+ bytes; EventBridge accepts at most 262144/ });
  // Multi-byte characters count as bytes, as EventBridge counts them: 90,000 × 3 bytes is over, though 90,000 chars.
  await assert.rejects(pulse.event('chat.message').toWorkspace('w1').data('€'.repeat(90_000)).send(), { field: 'data' });
  assert.equal(client.calls.length, before);
});

test('bad event names, ids, correlation ids, except ids and payloads are refused', () => {
  refused(() => pulse.event(''), 'detail-type', /1 to 128 characters/, '');
  refused(() => pulse.event('x'.repeat(129)), 'detail-type', /1 to 128/, 'x'.repeat(129));
  refused(() => pulse.event('chat.message').eventId(''), 'eventId', /1 to 128/);
  refused(() => pulse.event('chat.message').eventId('e'.repeat(129)), 'eventId', /1 to 128/);
  refused(() => pulse.event('chat.message').correlationId('c'.repeat(257)), 'correlationId', /1 to 256/);
  refused(() => pulse.event('chat.message').except(' '), 'exceptConnectionId', /non-empty/);
  refused(() => pulse.event('chat.message').data({ n: 1n }), 'data', /is not JSON/);
  const cyclic = {};
  cyclic.self = cyclic;
  refused(() => pulse.event('chat.message').data(cyclic), 'data', /is not JSON/);
});

test('a bad control command is refused before sending, naming the field', async () => {
  const before = client.calls.length;
  const cases = [
    [() => pulse.joinRoom('w1', 'user:u2', 'u1'), 'room', /user: and workspace: rooms/],
    [() => pulse.joinRoom('w1', 'workspace:w1', 'u1'), 'room', /user: and workspace: rooms/],
    [() => pulse.removeFromRoom('w1', 'not a room', 'u1'), 'room', /needs a valid room name/],
    [() => pulse.removeFromRoom('w1', 'chat:1', 'u 1'), 'userId', /not a valid user id/],
    [() => pulse.removeFromRoom('w1', 'chat:1', 'u1', 'r'.repeat(201)), 'reason', /at most 200/],
    [() => pulse.closeConnections('', 'u1'), 'workspaceId', /is missing/],
    [() => pulse.control({ control: 'connections.close', workspaceId: 'w1', userId: 'u1', room: 'chat:1' }), 'room', /takes no room/],
    [() => pulse.control({ control: 'connections.close', workspaceId: 'w1' }), 'userId', /exactly one of userId or connectionId/],
    [() => pulse.control({ control: 'connections.close', workspaceId: 'w1', userId: 'u1', connectionId: 'c1' }), 'userId', /exactly one/],
    [() => pulse.control({ control: 'room.kick', workspaceId: 'w1', userId: 'u1' }), 'control', /must be one of/],
  ];
  for (const [action, field, message] of cases) {
    await assert.rejects(action(), { name: 'PublishRefusedError', event: 'pulse.control', field, message });
  }
  assert.equal(client.calls.length, before);
});

test('the constructor refuses what EventBridge would: a blank bus or source, an aws.* source, no client', () => {
  const sdk = new EventBridgeClient({ region: 'us-east-1' });
  assert.throws(() => new Publisher(sdk, '', 'com.acme'), /eventBusName must not be blank/);
  assert.throws(() => new Publisher(sdk, 'default', ' '), /source must not be blank/);
  assert.throws(() => new Publisher(sdk, 'default', 'aws.events'), /reserved by AWS/);
  assert.throws(() => new Publisher(undefined, 'default', 'com.acme'), /client must be an EventBridgeClient/);
});
