import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { client, closeAll, token, workspace, until, WS_URL } from '../test-support/helpers.js';

after(closeAll);

// Node 20 without --experimental-websocket has no WebSocket global: the client says so (no_websocket) and stops,
// and an injected constructor works. This file runs alone in its process, so removing the global is safe here.

test('without a WebSocket global the client stops with no_websocket; an injected constructor connects', async () => {
  const Native = globalThis.WebSocket;
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
  delete globalThis.WebSocket;
  try {
    assert.equal(globalThis.WebSocket, undefined);
    const bare = client({ url: WS_URL, token: 'x.y.z' });
    bare.connect();
    await until(() => bare.state === 'error', 'state error');
    assert.equal(bare.lastError.code, 'no_websocket');
    assert.match(bare.lastError.message, /--experimental-websocket/);

    // Injected, as with the ws package on Node 20 (here the runtime's own class stands in for it).
    const ws = workspace();
    const injected = client({ url: WS_URL, token: await token('ivy', ws), WebSocket: Native });
    await injected.connect().whenConnected();
    assert.equal(injected.userId, 'ivy');
  } finally {
    Object.defineProperty(globalThis, 'WebSocket', descriptor);
  }
});
