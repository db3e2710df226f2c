import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, closeAll, token, workspace, until, publish, kick, named, serverRooms } from '../test-support/helpers.js';

after(closeAll);

// Issue 18: rejoining more rooms than the join limit allows per minute must neither stall nor lose a room.
for (const count of [6, 50]) {
  test(`a client in ${count} rooms reconnects within one backoff step with every room restored on the server`, async () => {
    const ws = workspace();
    const rooms = Array.from({ length: count }, (_, i) => `chat:n${i + 1}`);
    // random () => 1: the backoff step is exactly baseMs, so "one step" is one reconnect event.
    // Generous socket and reply timeouts: on a loaded machine a slow upgrade must not count as a failed attempt.
    const c = client({
      token: async () => token('rue', ws), random: () => 1, backoff: { baseMs: 200, maxMs: 200, attempts: 10 },
      openTimeoutMs: 60000, requestTimeoutMs: 60000,
    });
    const joined = rooms.map((room) => c.join(room)); // recorded now, joined by the connect's room.join frames
    await c.connect().whenConnected();
    await Promise.all(joined);
    const explicit = async () => (await serverRooms(c)).filter((r) => r.startsWith('chat:')).sort();
    assert.deepEqual(await explicit(), [...rooms].sort(), 'every room joined at the first connect');

    const reconnects = [];
    c.on('reconnect', (r) => reconnects.push(r));
    const before = c.connectionId;
    const states = c.log.states.length;
    await kick(before);
    await until(() => c.state === 'connected' && c.connectionId && c.connectionId !== before, 'reconnected', 60000);

    assert.deepEqual(reconnects, [{ attempt: 1, delayMs: 200 }], 'one backoff step, no further attempt');
    assert.deepEqual(c.log.states.slice(states), ['reconnecting', 'connected']);
    assert.deepEqual(await explicit(), [...rooms].sort(), 'every room restored on the server');
    assert.deepEqual([...c.rooms].sort(), await explicit(), "the client's rooms are the server's");
    assert.deepEqual(c.log.errors, [], 'no join waited out a limit or timed out');

    // The rejoin counted once against room.join's 5 per minute: a live join still goes through.
    await c.join('chat:extra');
    assert.ok((await serverRooms(c)).includes('chat:extra'));
    // And the last room of the list gets its events on the new connection.
    await publish(ws, 'chat.message', { rooms: [rooms.at(-1)] }, { after: 'reconnect' });
    await until(() => named(c, 'chat.message').length === 1, 'an event in the last rejoined room');
  });
}
