// Validation against the same catalog files the Java side loads (events-schema/src/main/resources/catalogs),
// before anything is sent; a valid payload goes out and arrives unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EventCatalog, InvalidEventError } from '../dist/index.js';
import { waitForEvent } from '../dist/testing.js';
import { connected, eventBridge, publisher, workspace } from '../test-support/support.js';

const hyvve = EventCatalog.load('hyvve');
const message = (over = {}) => ({
  id: 'msg_42', workspaceId: 'ws_acme', chatId: 'chat-123', senderId: 'agent_vera', content: 'Draft ready.',
  createdAt: '2025-12-13T10:02:06Z', ...over,
});

test('the bundled catalogs are the Java side\'s files, byte for byte', () => {
  for (const app of ['hyvve', 'famly', 'worklamp', 'eva']) {
    const source = new URL(`../../../events-schema/src/main/resources/catalogs/${app}.catalog.json`, import.meta.url);
    const bundled = new URL(`${app}.catalog.json`, `file://${EventCatalog.BUNDLED}`);
    assert.equal(readFileSync(bundled, 'utf8'), readFileSync(source, 'utf8'), app);
    assert.equal(EventCatalog.load(app).app, app);
  }
});

test('every example in every catalog validates (as the Java loader requires)', () => {
  for (const app of ['hyvve', 'famly', 'worklamp', 'eva']) {
    const catalog = EventCatalog.load(app);
    const document = JSON.parse(readFileSync(`${EventCatalog.BUNDLED}${app}.catalog.json`, 'utf8'));
    for (const [event, type] of Object.entries(document.events)) {
      for (const example of type.examples) assert.deepEqual(catalog.check(event, example), [], `${app} ${event}`);
    }
  }
});

test('an invalid payload is refused before sending, naming the event and every JSON path', async () => {
  const client = eventBridge();
  const pulse = publisher({ catalog: hyvve }, client);
  const request = pulse.event('chat.message').toRoom('ws_acme', 'chat:chat-123')
    .data(message({ content: 42, createdAt: 'yesterday', senderType: 'robot' }));
  const error = await request.send().then(() => assert.fail('sent'), (e) => e);
  assert.ok(error instanceof InvalidEventError);
  assert.equal(error.event, 'chat.message');
  assert.deepEqual(error.violations.map((v) => v.path).sort(), ['$.content', '$.createdAt', '$.senderType']);
  assert.match(error.message, /^event chat\.message: /);
  assert.match(error.message, /\$\.content: must be string/);
  assert.match(error.message, /\$\.createdAt: must match format "date-time"/);
  assert.match(error.message, /\$\.senderType: must be equal to one of the allowed values \["user","agent"\]/);
  assert.deepEqual(client.calls, []);
});

test('missing fields, nested paths and shared $defs resolve as on the Java side', () => {
  assert.deepEqual(hyvve.check('approval.updated', { id: 'a' }), [{ path: '$', message: "must have required property 'workspaceId'" }]);
  assert.deepEqual(hyvve.check('approval.updated', { id: 'a', workspaceId: 'w', status: 'lost' }).map((v) => v.path), ['$.status']);
  const famly = EventCatalog.load('famly');
  const violations = famly.check('task.created', { taskId: 't', familyId: 'f', userId: 'u', task: { assignment: 7 } });
  assert.ok(violations.length > 0 && violations.every((v) => v.path.startsWith('$.task')), JSON.stringify(violations));
});

test('a strict catalog refuses undeclared events; a permissive one lets them through', () => {
  assert.throws(() => hyvve.validate('no.such.event', {}), { name: 'InvalidEventError', message: /unknown event type \(catalog hyvve declares 9 events and is strict\)/ });
  assert.deepEqual(hyvve.withUnknownEvents('permissive').check('no.such.event', {}), []);
  assert.deepEqual(hyvve.withUnknownEvents('permissive').check('chat.message', {}).length > 0, true, 'declared ones still checked');
});

test('a valid payload is sent and arrives unchanged', async () => {
  const ws = workspace();
  const socket = await connected('vera', ws);
  const pulse = publisher().withCatalog(hyvve);
  await pulse.event('chat.message').toUsers(ws, ['vera']).data(message({ workspaceId: ws })).send();
  assert.deepEqual(await waitForEvent(socket, 'chat.message'), message({ workspaceId: ws }));
  socket.ws.close();
});

test('a catalog from a file path or a parsed object; a missing one says where it looked', () => {
  const path = `${EventCatalog.BUNDLED}eva.catalog.json`;
  assert.equal(EventCatalog.load(path).app, 'eva');
  const custom = EventCatalog.fromDocument({ app: 'mine', events: { 'order.paid': { payload: { type: 'object', required: ['orderId'] } } } });
  assert.deepEqual(custom.check('order.paid', {}), [{ path: '$', message: "must have required property 'orderId'" }]);
  assert.throws(() => EventCatalog.load('nope'), /catalog nope: cannot read .*nope\.catalog\.json/);
  assert.throws(() => EventCatalog.fromDocument({ app: 'x' }), /not a catalog/);
});
