import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../src/pulse-client.js';

// Ordered mode's bookkeeping, fed frames as the socket would hand them over (no connection: these are the branches
// the real stack cannot be made to take on demand, such as a new epoch or a lost room while events are held).
// The end-to-end behaviour is in ordered.test.js.

function ordered(options = {}) {
  const c = createClient({ url: 'ws://127.0.0.1:1/local', token: 'x.y.z', ordered: true, gapGraceMs: 600000, ...options });
  const seen = { events: [], gaps: [], lost: [] };
  c.subscribe('*', (data, frame) => seen.events.push(`${frame.room}#${frame.seq}`));
  c.on('gap', (g) => seen.gaps.push(`${g.room} ${g.from}-${g.to} ${g.reason}`));
  c.on('lost', (l) => seen.lost.push(`${l.room} ${l.reason}`));
  const frame = (room, seq, epoch = 'E1', live = true) => {
    const f = { type: 'event', event: 'x', room, seq, epoch, eventId: `${room}-${epoch}-${seq}`, timestamp: '', data: {} };
    if (live) c._onMessage(JSON.stringify(f));
    return f;
  };
  const state = (rooms) => c._onMessage(JSON.stringify({ type: 'sync.state', rooms }));
  return { c, seen, frame, state };
}

test('repeats and seqs below the delivered position are dropped; the next seq drains what was held', () => {
  const { c, seen, frame } = ordered();
  frame('chat:a', 1);
  frame('chat:a', 3);
  frame('chat:a', 4);
  frame('chat:a', 3); // a repeat of a held one
  assert.deepEqual(c.held, { 'chat:a': 2 });
  frame('chat:a', 2);
  frame('chat:a', 2); // a repeat of a delivered one
  frame('chat:a', 1);
  assert.deepEqual(seen.events, ['chat:a#1', 'chat:a#2', 'chat:a#3', 'chat:a#4']);
  assert.deepEqual(c.held, {});
  assert.equal(c.positions['chat:a'].seq, 4);
});

test('a sync.state saying lost delivers what is held, the gap reported as lost, and continues from the server', () => {
  const { c, seen, frame, state } = ordered();
  frame('chat:a', 1);
  frame('chat:a', 5);
  state({ 'chat:a': { status: 'lost', seq: 7, epoch: 'E1' } });
  assert.deepEqual(seen.events, ['chat:a#1', 'chat:a#5']);
  assert.deepEqual(seen.gaps, ['chat:a 2-4 lost']);
  assert.deepEqual(seen.lost, ['chat:a lost']);
  assert.deepEqual(c.positions['chat:a'], { seq: 7, epoch: 'E1' });
  frame('chat:a', 8);
  assert.deepEqual(seen.events.at(-1), 'chat:a#8');
});

test('a new epoch delivers the old stream held events first, then the new stream', () => {
  const { c, seen, frame } = ordered();
  frame('chat:a', 1);
  frame('chat:a', 3);
  frame('chat:a', 1, 'E2');
  assert.deepEqual(seen.events, ['chat:a#1', 'chat:a#3', 'chat:a#1']);
  assert.deepEqual(seen.gaps, ['chat:a 2-2 epoch']);
  assert.deepEqual(seen.lost, ['chat:a epoch']);
  assert.deepEqual(c.positions['chat:a'], { seq: 1, epoch: 'E2' });
});

test('a sync.state beyond held events delivers them in order, the skipped seqs reported as sync', () => {
  const { c, seen, frame, state } = ordered();
  frame('chat:a', 1);
  frame('chat:a', 3);
  frame('chat:a', 6);
  state({ 'chat:a': { status: 'restored', seq: 4, epoch: 'E1' } });
  assert.deepEqual(seen.events, ['chat:a#1', 'chat:a#3']);
  assert.deepEqual(seen.gaps, ['chat:a 2-2 sync']);
  assert.deepEqual(c.held, { 'chat:a': 1 }, '6 still waits for 5');
  frame('chat:a', 5);
  assert.deepEqual(seen.events.slice(2), ['chat:a#5', 'chat:a#6']);
});

test('a live event held during a since replay in a room that had no history is delivered once the replay answers', () => {
  const { c, seen, frame, state } = ordered();
  c._sinceSyncing = true; // as after a reconnect, until the since replay's reply
  frame('chat:new', 1);
  assert.deepEqual(seen.events, [], 'held: the replay decides where the room starts');
  state({ 'chat:new': { status: 'restored', seq: 0 } }); // the room was empty when the replay read it
  assert.deepEqual(seen.events, ['chat:new#1']);
  c._endSinceSync();
  frame('chat:new', 2);
  assert.deepEqual(seen.events, ['chat:new#1', 'chat:new#2']);
  assert.deepEqual(seen.lost, [], 'the epoch was taken from the first event, not mistaken for a new one');
  assert.deepEqual(c.held, {});
});

test('a room held during a since replay that replayed nothing starts from its held events', () => {
  const { c, seen, frame } = ordered();
  c._sinceSyncing = true;
  frame('chat:new', 4);
  frame('chat:new', 5);
  c._endSinceSync();
  assert.deepEqual(seen.events, ['chat:new#4', 'chat:new#5']);
  assert.deepEqual(seen.gaps, []);
});

test('rooms outside the ordered option keep the default: delivered at once past a gap', () => {
  const { seen, frame } = ordered({ ordered: ['chat:'] });
  frame('doc:1', 1);
  frame('doc:1', 3);
  frame('chat:a', 1);
  frame('chat:a', 3);
  assert.deepEqual(seen.events, ['doc:1#1', 'doc:1#3', 'chat:a#1']);
});
