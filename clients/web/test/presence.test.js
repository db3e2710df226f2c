// Presence (PROTOCOL §4.9: presence.update / presence.list, presence.diff signals handed to the app per user).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, closeAll, token, workspace, until, named } from '../test-support/helpers.js';

after(closeAll);

async function connected(user, ws, options = {}) {
  const c = client({ token: await token(user, ws), ...options });
  await c.connect().whenConnected();
  return c;
}

// The server side of presence is being merged to main separately: until the stack answers presence.list,
// these tests are skipped (reported as skipped, with this reason), and they run as soon as it does.
const probe = await connected('probe', workspace('probe'));
const presenceMissing = await probe.presence.list(`workspace:${probe.workspaceId}`)
  .then(() => false, (e) => (e.code === 'unknown_action'
    ? 'server feature missing: presence actions (presence.update/presence.list) are not on this stack yet'
    : false));
probe.disconnect();

test('presence.list shows the users present, aggregated over devices', { skip: presenceMissing }, async () => {
  const ws = workspace();
  const a = await connected('ann', ws);
  await connected('ann', ws); // a second device
  await connected('bo', ws);
  const list = await a.presence.list(`workspace:${ws}`);
  assert.equal(list.room, `workspace:${ws}`);
  assert.equal(list.onlineCount, 2);
  assert.equal(list.truncated, false);
  const byUser = Object.fromEntries(list.users.map((u) => [u.userId, u]));
  assert.deepEqual(byUser.ann, { userId: 'ann', status: 'online', devices: 2 });
  assert.equal(byUser.bo.devices, 1);
  await assert.rejects(a.presence.list('chat:not-joined'), { code: 'forbidden' });
});

test('each presence.diff reaches the app as per-user presence.join and presence.leave', { skip: presenceMissing }, async () => {
  const ws = workspace();
  const a = await connected('cy', ws);
  const seen = [];
  a.presence.onChange((event, data) => seen.push([event, data.userId, data.room]));
  const subscribed = [];
  a.subscribe('presence.join', (data) => subscribed.push(data));
  const b = await connected('dee', ws);
  await until(() => seen.some(([e, u]) => e === 'presence.join' && u === 'dee'), 'presence.join');
  assert.deepEqual(subscribed.find((d) => d.userId === 'dee'),
    { userId: 'dee', room: `workspace:${ws}`, status: 'online', devices: 1 });
  const diff = named(a, 'presence.diff').find((f) => f.data.joins.some((u) => u.userId === 'dee'));
  assert.equal(diff.room, `workspace:${ws}`, 'the wire carries presence.diff');
  assert.deepEqual(diff.data.leaves, []);
  b.disconnect();
  await until(() => seen.some(([e, u]) => e === 'presence.leave' && u === 'dee'), 'presence.leave');
  assert.deepEqual(seen.find(([e, u]) => e === 'presence.join' && u === 'dee'), ['presence.join', 'dee', `workspace:${ws}`]);
  assert.equal(seen.filter(([e, u]) => e === 'presence.leave' && u === 'dee').length, 1, 'one leave');
});

test('presence.update changes the status others see, is rate limited locally, and survives a reconnect',
  { skip: presenceMissing }, async () => {
    const ws = workspace();
    const a = await connected('eve', ws, { backoff: { baseMs: 50, maxMs: 100 } });
    const b = await connected('fay', ws);
    const updates = [];
    b.presence.onChange((event, data) => { if (event === 'presence.update') updates.push(data); });
    // Both arrivals are told first (a window's diff); a status change after that is an update.
    await until(() => named(a, 'presence.diff').some((f) => f.data.joins.some((u) => u.userId === 'fay')), 'a sees fay');
    assert.deepEqual(await a.presence.update('away'), { status: 'away' });
    await until(() => updates.some((u) => u.userId === 'eve' && u.status === 'away'), 'b sees away');
    await until(() => named(a, 'presence.diff').some((f) => f.data.updates.some((u) => u.userId === 'eve')),
      'the changer\'s own connection gets the diff too');
    await a.presence.update('busy');
    await a.presence.update('away');
    await assert.rejects(a.presence.update('online'), { code: 'rate_limited', local: true });
    // A new connection starts online; the client restores the chosen status.
    const { kick } = await import('../test-support/helpers.js');
    await kick(a.connectionId);
    await until(() => a.state === 'reconnecting', 'reconnecting');
    await a.whenConnected();
    await until(async () => {
      const list = await b.presence.list(`workspace:${ws}`);
      return list.users.find((u) => u.userId === 'eve')?.status === 'away';
    }, 'status restored after reconnect');
  });
