// The entries are exactly PROTOCOL §10.2's envelope and §10.6's commands: checked against the protocol's own JSON
// Schemas (events-schema/src/main/resources/schemas/v1), with ids ordered as the Java EventIdGenerator orders them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventIdGenerator, Publisher, entrySize } from '../dist/index.js';

const schemas = new URL('../../../events-schema/src/main/resources/schemas/v1/', import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv);
for (const file of readdirSync(schemas).filter((f) => f.endsWith('.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(file, schemas), 'utf8')));
}
const detailSchema = ajv.getSchema('https://pulse.dev/schemas/v1/eventbridge-detail.json');

const sdk = new EventBridgeClient({ region: 'us-east-1' });
const fixed = Date.parse('2026-11-22T10:00:00.123Z');
const pulse = new Publisher(sdk, 'pulse-bus', 'com.acme.approvals', { now: () => fixed });

test('the entry is Source, DetailType, EventBusName and the envelope as Detail, in the Java codec\'s field order', () => {
  const request = pulse.event('approval.created').toWorkspace('w1').toUsers('w1', ['u1']).toRoom('w1', 'chat:42')
    .except('R0oXAdfD0kwCH6w=').correlationId('req-5f2c').data({ approvalId: 'a-17' });
  const entry = request.toEntry();
  assert.deepEqual(Object.keys(entry), ['Source', 'DetailType', 'EventBusName', 'Detail']);
  assert.equal(entry.Source, 'com.acme.approvals');
  assert.equal(entry.DetailType, 'approval.created');
  assert.equal(entry.EventBusName, 'pulse-bus');
  assert.equal(entry.Detail, JSON.stringify({
    envelope: 'pulse.v1', eventId: request.eventId(), workspaceId: 'w1',
    targets: { workspace: true, users: ['u1'], rooms: ['chat:42'] },
    exceptConnectionId: 'R0oXAdfD0kwCH6w=', correlationId: 'req-5f2c', publishedAt: '2026-11-22T10:00:00.123Z',
    data: { approvalId: 'a-17' },
  }));
  assert.ok(detailSchema(JSON.parse(entry.Detail)), JSON.stringify(detailSchema.errors));
  assert.equal(entrySize(entry), Buffer.byteLength(entry.Source + entry.DetailType + entry.Detail));
});

test('defaults: the correlation id is the event id, data is null, and no exceptConnectionId', () => {
  const request = pulse.event('agent.status.changed').toUsers('w1', ['u1']);
  const detail = JSON.parse(request.toEntry().Detail);
  assert.equal(detail.correlationId, request.eventId());
  assert.equal(detail.data, null);
  assert.equal('exceptConnectionId' in detail, false);
  assert.ok(detailSchema(detail), JSON.stringify(detailSchema.errors));
});

test('data is copied when given: later changes to the object do not leak into the event', () => {
  const item = { title: 'Budget' };
  const request = pulse.event('approval.updated').toWorkspace('w1').data(item);
  item.title = 'changed';
  assert.deepEqual(request.envelope().data, { title: 'Budget' });
});

test('control commands are §10.6\'s detail, valid under the protocol schema', async () => {
  const entries = [];
  const recording = { send: async (command) => { entries.push(...command.input.Entries); return { Entries: [{ EventId: 'x' }] }; } };
  const control = new Publisher(recording, 'default', 'com.acme', { now: () => fixed });
  const ids = [
    await control.removeFromRoom('w1', 'project:p-9', 'u7', 'removed from the project'),
    await control.joinRoom('w1', 'project:p-9', 'u7'),
    await control.closeConnections('w1', 'u7'),
  ];
  assert.deepEqual(entries.map((e) => e.DetailType), ['pulse.control', 'pulse.control', 'pulse.control']);
  const details = entries.map((e) => JSON.parse(e.Detail));
  assert.deepEqual(details[0], { envelope: 'pulse.v1', control: 'room.remove', eventId: ids[0], workspaceId: 'w1',
    userId: 'u7', room: 'project:p-9', reason: 'removed from the project' });
  assert.deepEqual(details[2], { envelope: 'pulse.v1', control: 'connections.close', eventId: ids[2], workspaceId: 'w1', userId: 'u7' });
  for (const detail of details) assert.ok(detailSchema(detail), JSON.stringify(detailSchema.errors));
});

test('event ids are UUIDv7, strictly ordered even within one millisecond, and carry their time', () => {
  const ids = new EventIdGenerator(() => fixed);
  const made = Array.from({ length: 5000 }, () => ids.next()); // more than the 4096 a millisecond's counter holds
  assert.deepEqual([...made].sort(), made, 'string order is creation order');
  assert.equal(new Set(made).size, made.length);
  for (const id of made.slice(0, 10)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(EventIdGenerator.millisOf(made[0]), fixed);
  assert.equal(EventIdGenerator.millisOf(made[4096]), fixed + 1, 'the counter spilled into the timestamp');
  let clock = fixed;
  const backwards = new EventIdGenerator(() => clock);
  const first = backwards.next();
  clock -= 1000; // a clock set back never reorders ids
  assert.ok(backwards.next() > first);
});
