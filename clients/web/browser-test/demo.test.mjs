// The demo page in a real browser (Debian chromium, headless, driven by playwright-core).
// Run by local/src/test/java/dev/pulse/local/DemoPageBrowserTest.java against its local system, which sets:
//   PULSE_DEMO_URL        the demo page, e.g. http://127.0.0.1:8787/
//   PULSE_WS_URL          the WebSocket API, e.g. ws://127.0.0.1:8787/local
//   PULSE_MANAGEMENT_URL  the @connections API, e.g. http://127.0.0.1:8787/local  (the forced disconnect)
//   PULSE_CHROMIUM        the browser (default /usr/bin/chromium)
//   PULSE_SCREENSHOTS     where to save screenshots (optional)
// By hand: ./pulse local, then PULSE_DEMO_URL=http://localhost:8787/ PULSE_WS_URL=ws://localhost:8787/local
//   PULSE_MANAGEMENT_URL=http://localhost:8787/local node --test demo.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { closedPort, launchBrowser, required } from './support.mjs';

const DEMO = required('PULSE_DEMO_URL');
const WS = required('PULSE_WS_URL');
const MANAGEMENT = required('PULSE_MANAGEMENT_URL').replace(/\/$/, '');
const SCREENSHOTS = process.env.PULSE_SCREENSHOTS;
const WAIT = 20_000;
// Every run in its own workspace: the local system may be shared with other tests.
const WORKSPACE = `demo-${randomUUID().slice(0, 8)}`;

const tid = (id) => `[data-testid="${id}"]`;

/** Publishes like the page's sample buttons: POST /dev/publish → the local EventBridge endpoint → fan-out. */
async function publish(event, targets, data) {
  const res = await fetch(new URL('/dev/publish', DEMO), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event, workspaceId: WORKSPACE, targets, data }),
  });
  const body = await res.text();
  assert.equal(res.status, 200, `publish ${event}: ${body}`);
  return JSON.parse(body).eventId;
}

/**
 * The whole server as the browser sees it: HTTP and WebSocket upgrades forwarded to the local system, until stop()
 * closes the port and cuts every connection (a stopped server); listen again on the same port to bring it back.
 */
function serverStandIn(port = 0) {
  const target = new URL(DEMO);
  const sockets = new Set();
  const track = (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); return socket; };
  const server = createHttpServer((req, res) => {
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
    upstream.on('socket', track);
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('upgrade', (req, socket, head) => {
    const upstream = track(netConnect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    }));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    port: server.address().port,
    stop: () => new Promise((done) => { server.close(() => done()); for (const s of sockets) s.destroy(); }),
  })));
}

/**
 * Every element the page shows at its viewport's width: none may stick out of the viewport, and none that is laid out
 * in flow may stick out of its container sideways (absolutely placed ones, like the badge on the bell, only the
 * viewport), nor may text run out of its own box.
 */
async function overflows(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    if (document.documentElement.scrollWidth > width) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    const name = (e) => e.dataset?.testid || `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''}`;
    for (const e of document.querySelectorAll('body *')) {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      if (style.display === 'none' || style.visibility === 'hidden' || (box.width === 0 && box.height === 0)) continue;
      if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
      if (box.left < -0.5 || box.right > width + 0.5) out.push(`${name(e)} is outside the viewport (${Math.round(box.left)}..${Math.round(box.right)} of ${width})`);
      if (style.position !== 'absolute' && style.position !== 'fixed' && e.parentElement && e.parentElement !== document.body) {
        const outer = e.parentElement.getBoundingClientRect();
        if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) {
          out.push(`${name(e)} sticks out of ${name(e.parentElement)} (${Math.round(box.left)}..${Math.round(box.right)} in ${Math.round(outer.left)}..${Math.round(outer.right)})`);
        }
      }
      // (scrollWidth counts absolutely placed children too: those were checked against the viewport above.)
      const placed = [...e.children].some((c) => ['absolute', 'fixed'].includes(getComputedStyle(c).position));
      if (!placed && style.overflowX === 'visible' && style.display !== 'inline' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) {
        out.push(`the content of ${name(e)} runs out of it (${e.scrollWidth} > ${e.clientWidth})`);
      }
    }
    return out;
  });
}

// Payloads as HYVVE's services emit them: the test's local system validates them against the HYVVE catalog
// (events-schema/src/main/resources/catalogs/hyvve.catalog.json) and refuses anything else with a 400.
const approval = (id, title) => ({ id, workspaceId: WORKSPACE, type: 'finance', title, description: 'Proposed by the Billing agent',
  status: 'pending', priority: 'high', confidenceScore: 64, assignedTo: null, createdAt: new Date().toISOString() });

async function expectStatus(page, state, text) {
  const status = page.locator(tid('connection-status'));
  await status.and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: WAIT });
  if (text) assert.equal(await page.locator(tid('connection-status-text')).textContent(), text);
}

async function screenshot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

let browser;
const problems = [];   // uncaught page errors fail the run

async function open(params, { viewport = { width: 1440, height: 900 }, base = DEMO, autoconnect = true } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${params.user}: ${e.message}`));
  page.on('console', (m) => {
    // Refused WebSocket attempts are the point of the polling scenario, refused connections that of the stopped server;
    // anything else is worth seeing.
    if (m.type() === 'error' && !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(m.text())) {
      console.log(`  [${params.user} console] ${m.text()}`);
    }
  });
  const query = new URLSearchParams({ workspace: WORKSPACE, ...(autoconnect ? { autoconnect: '' } : {}), ...params });
  await page.goto(`${new URL('/', base)}?${query}`);
  return page;
}

/** The filled (primary) look of the page's buttons, as rendered: its background colour. */
const background = (page, id) => page.locator(tid(id)).evaluate((e) => getComputedStyle(e).backgroundColor);

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(problems, [], 'the page threw');
});

describe('demo page', () => {
  let alice, bob;

  test('loads, signs in with a development token and connects over the WebSocket', async () => {
    alice = await open({ user: 'alice' });
    await expectStatus(alice, 'connected', 'Connected');
    assert.equal(await alice.locator(tid('transport')).textContent(), 'WebSocket');
    await alice.locator(`${tid('room')}[data-room="chat:general"]`).waitFor({ timeout: WAIT });
    assert.match(await alice.locator(tid('connection-id')).textContent(), /^connection \S+/);
  });

  test('a published approval enters the queue, and a notification raises the badge', async () => {
    await publish('approval.created', { workspace: true }, approval('apr_e2e_1', 'Refund order #10482 ($129.00)'));
    const item = alice.locator(`${tid('approval-item')}[data-id="apr_e2e_1"]`);
    await item.waitFor({ timeout: WAIT });
    assert.equal(await item.locator(tid('approval-title')).textContent(), 'Refund order #10482 ($129.00)');
    assert.equal(await item.locator(tid('approval-description')).textContent(), 'Proposed by the Billing agent');
    assert.equal(await item.locator(tid('approval-priority')).textContent(), 'high');
    assert.match(await item.textContent(), /64%/);
    assert.equal(await alice.locator(tid('pending-count')).textContent(), '1 pending');

    // The page's own buttons go through the same path.
    await alice.locator(tid('publish-notification')).click();
    await alice.locator(`${tid('notification-badge')}:visible`).waitFor({ timeout: WAIT });
    assert.equal(await alice.locator(tid('notification-badge')).textContent(), '1');
    await alice.locator(tid('publish-approval')).click();
    await alice.locator(tid('approval-item')).nth(1).waitFor({ timeout: WAIT });

    // Approving publishes approval.updated; the card shows the decision.
    await item.locator(tid('approve-button')).click();
    await alice.locator(`${tid('approval-item')}[data-id="apr_e2e_1"][data-status="approved"]`).waitFor({ timeout: WAIT });
    assert.equal(await item.locator('.stamp').textContent(), 'Approved by alice');
    // Nothing the page published was refused: every payload matched the catalog.
    assert.equal(await alice.locator(`${tid('log-entry')}[data-kind="error"]`).count(), 0,
      await alice.locator(`${tid('log-entry')}[data-kind="error"]`).allTextContents().then((t) => t.join('\n')));
  });

  test('a private room is refused without a room token, with the reason, and joined with one', async () => {
    await alice.locator(tid('private-join')).click();
    const status = alice.locator(tid('private-status'));
    await alice.locator(`${tid('private-status')}[data-state="refused"]`).waitFor({ timeout: WAIT });
    assert.match(await status.textContent(), /forbidden \(room_token_missing\)/);
    await alice.locator(tid('private-join-token')).click();
    await alice.locator(`${tid('private-status')}[data-state="joined"]`).waitFor({ timeout: WAIT });
    assert.match(await status.textContent(), /Joined private:plans until/);
    await alice.locator(`${tid('room')}[data-room="private:plans"]`).waitFor({ timeout: WAIT });
    await alice.locator(`${tid('log-entry')}:has-text("with a room token")`).first().waitFor({ timeout: WAIT });
  });

  test("a second user's presence shows on the page", async () => {
    bob = await open({ user: 'bob' });
    await expectStatus(bob, 'connected', 'Connected');
    // presence.list answered: the page lists its own user.
    await alice.locator(`${tid('presence-user')}[data-user="alice"]`).waitFor({ timeout: WAIT });
    // bob's first connection reaches the workspace room in the window's presence.diff; bob's page lists both.
    await alice.locator(`${tid('presence-user')}[data-user="bob"][data-status="online"]`).waitFor({ timeout: WAIT });
    await bob.locator(`${tid('presence-user')}[data-user="alice"]`).waitFor({ timeout: WAIT });
    assert.equal(await alice.locator(tid('online-count')).textContent(), '2');
    // A status change reaches the others as an update in the next presence.diff.
    await bob.locator(tid('presence-select')).selectOption('away');
    await alice.locator(`${tid('presence-user')}[data-user="bob"][data-status="away"]`).waitFor({ timeout: WAIT });
  });

  test("a second user's typing and chat message show on the page", async () => {
    // Both pages joined chat:general on connect.
    await bob.locator(`${tid('room')}[data-room="chat:general"]`).waitFor({ timeout: WAIT });
    await bob.locator(tid('chat-input')).pressSequentially('hello ali', { delay: 20 });
    await alice.locator(`${tid('typing-indicator')}[data-users="bob"]`).waitFor({ timeout: WAIT });
    assert.match(await alice.locator(tid('typing-indicator')).textContent(), /bob is typing/);
    await screenshot(alice, 'typing');
    await bob.locator(tid('chat-input')).press('Enter');
    await alice.locator(`${tid('chat-message')}[data-user="bob"]`).waitFor({ timeout: WAIT });
    assert.match(await alice.locator(`${tid('chat-message')}[data-user="bob"]`).textContent(), /hello ali/);
    await alice.locator(`${tid('typing-indicator')}[data-users=""]`).waitFor({ timeout: WAIT });
  });

  test('a forced disconnect shows Reconnecting…, then the page reconnects and gets the missed event by sync', async () => {
    const connectionId = (await alice.locator(tid('connection-id')).textContent()).replace(/^connection /, '');
    // Hold alice's reconnect at its token request, so the next event is published while she has no connection.
    const held = [];
    await alice.route('**/dev/token*', (route) => { held.push(route); });

    // The server closes the connection, as API Gateway does on DELETE @connections/{id}.
    const res = await fetch(`${MANAGEMENT}/@connections/${encodeURIComponent(connectionId)}`, {
      method: 'DELETE', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=local/test' },
    });
    assert.equal(res.status, 204, `DELETE @connections/${connectionId}: ${res.status}`);
    await expectStatus(alice, 'reconnecting', 'Reconnecting…');
    assert.ok(await alice.locator(tid('retry-button')).isVisible(), 'the retry button shows while reconnecting');
    await screenshot(alice, 'reconnecting');

    await publish('approval.created', { workspace: true }, approval('apr_e2e_missed', 'Published while alice was away'));
    // Bob is connected: once he has it, the fan-out has run, and alice (without a connection) could not get it live.
    await bob.locator(`${tid('approval-item')}[data-id="apr_e2e_missed"]`).waitFor({ timeout: WAIT });
    assert.equal(await alice.locator(`${tid('approval-item')}[data-id="apr_e2e_missed"]`).count(), 0);
    assert.notEqual(await alice.locator(tid('connection-status')).getAttribute('data-state'), 'connected');

    await alice.unroute('**/dev/token*');
    for (const route of held) await route.continue().catch(() => {});   // (an attempt the client gave up on)
    await expectStatus(alice, 'connected', 'Connected');
    await alice.locator(`${tid('approval-item')}[data-id="apr_e2e_missed"]`).waitFor({ timeout: WAIT });
    assert.notEqual((await alice.locator(tid('connection-id')).textContent()).replace(/^connection /, ''), connectionId);
    // Replayed, not live: the log marks it as recovered by sync.
    assert.equal(await alice.locator(`${tid('log-entry')}[data-event="approval.created"][data-kind="sync"]`).count(), 1);
    // The client rejoined chat:general on the new connection: a message to the room reaches alice.
    await bob.locator(tid('chat-input')).fill('welcome back');
    await bob.locator(tid('chat-input')).press('Enter');
    await alice.locator(`${tid('chat-message')}[data-user="bob"]:has-text("welcome back")`).waitFor({ timeout: WAIT });
    // Presence is listed again after the reconnect (presence events are not replayed).
    await alice.locator(`${tid('presence-user')}[data-user="bob"]`).waitFor({ timeout: WAIT });
    await screenshot(alice, 'after-reconnect');
  });

  test("when the second user closes the page, presence drops them", async () => {
    await bob.context().close();   // bob's last connection: presence.leave to the workspace room
    await alice.locator(`${tid('presence-user')}[data-user="bob"]`).waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await alice.locator(tid('online-count')).textContent(), '1');
  });

  test('on a 390 px wide phone nothing overflows, and the primary button is the one to press next', async () => {
    const dana = await open({ user: 'dana' }, { viewport: { width: 390, height: 844 }, autoconnect: false });
    const primary = await background(dana, 'publish-approval');   // always a filled button
    assert.equal(await background(dana, 'connect-button'), primary, 'signed out, Connect is the primary button');
    assert.notEqual(await background(dana, 'disconnect-button'), primary);

    await dana.locator(tid('connect-button')).click();
    await expectStatus(dana, 'connected', 'Connected');
    assert.equal(await background(dana, 'disconnect-button'), primary, 'connected, Disconnect is the primary button');
    assert.notEqual(await background(dana, 'connect-button'), primary);
    // A full page: an approval, a notification on the bell, the retry button's place in the header.
    await publish('approval.created', { workspace: true }, approval('apr_e2e_narrow', 'Send onboarding campaign to 2,400 contacts'));
    await dana.locator(`${tid('approval-item')}[data-id="apr_e2e_narrow"]`).waitFor({ timeout: WAIT });
    await dana.locator(tid('publish-notification')).click();
    await dana.locator(`${tid('notification-badge')}:visible`).waitFor({ timeout: WAIT });
    assert.deepEqual(await overflows(dana), [], 'connected, with an approval and a notification');
    await dana.locator(tid('notification-bell')).click();
    assert.deepEqual(await overflows(dana), [], 'with the notifications open');
    await screenshot(dana, 'narrow');

    await dana.locator(tid('disconnect-button')).click();
    await expectStatus(dana, 'disconnected', 'Disconnected');
    assert.equal(await background(dana, 'connect-button'), primary, 'signed out again, Connect is primary again');
    assert.deepEqual(await overflows(dana), [], 'signed out');
    await dana.context().close();
  });

  test('a stopped server shows "Server unreachable" once, without a token_error per attempt, and the page reconnects when it is back', async () => {
    const server = await serverStandIn();
    const base = `http://127.0.0.1:${server.port}/`;
    const ws = new URL(WS);
    ws.host = `127.0.0.1:${server.port}`;
    const erin = await open({ user: 'erin', ws: ws.href }, { base });
    await expectStatus(erin, 'connected', 'Connected');

    await server.stop();
    await expectStatus(erin, 'unreachable', 'Server unreachable');
    assert.ok(await erin.locator(tid('retry-button')).isVisible(), 'the retry button shows while the server is away');
    // Several attempts fail meanwhile (the page's probes, the client's own reconnects and polls): none adds a line.
    await erin.waitForFunction(() => window.pulseDemo.reach.probes >= 3, undefined, { timeout: WAIT });
    await screenshot(erin, 'unreachable');
    assert.equal(await erin.locator(`${tid('connection-status')}[data-state="unreachable"]`).count(), 1);
    const lines = await erin.locator(tid('log-entry')).allTextContents();
    assert.deepEqual(lines.filter((l) => /token_error|Failed to fetch|client_error/.test(l)), [], 'failed attempts were logged');
    assert.equal(await erin.locator(`${tid('log-entry')}[data-state="unreachable"]`).count(), 1);
    assert.equal(await erin.locator(`${tid('log-entry')}[data-kind="error"]`).count(), 0,
      (await erin.locator(`${tid('log-entry')}[data-kind="error"]`).allTextContents()).join('\n'));

    // Back on the same port: the next probe gets an answer and the page reconnects without waiting out a backoff.
    const again = await serverStandIn(server.port);
    await expectStatus(erin, 'connected', 'Connected');
    assert.equal(await erin.locator(`${tid('log-entry')}[data-state="unreachable"]`).count(), 1);
    await erin.context().close();
    await again.stop();
  });

  test('with the WebSocket endpoint unreachable the page falls back to HTTP polling and still gets events', async () => {
    const carol = await open({ user: 'carol', ws: `ws://127.0.0.1:${await closedPort()}/local` });
    // The client tries the WebSocket a few times, then polls POST /sync (and keeps retrying the WebSocket).
    await expectStatus(carol, 'polling', 'Polling · no WebSocket');
    assert.equal(await carol.locator(tid('transport')).textContent(), 'HTTP polling');
    await publish('approval.created', { workspace: true }, approval('apr_e2e_polled', 'Delivered by polling'));
    await carol.locator(`${tid('approval-item')}[data-id="apr_e2e_polled"]`).waitFor({ timeout: WAIT });
    // The chat room the page joined is polled too.
    await publish('chat.message', { rooms: ['chat:general'] }, { id: 'msg_e2e_polled', workspaceId: WORKSPACE, chatId: 'general',
      senderId: 'bob', senderType: 'user', content: 'polled hello', createdAt: new Date().toISOString() });
    await carol.locator(`${tid('chat-message')}[data-user="bob"]:has-text("polled hello")`).waitFor({ timeout: WAIT });
    await publish('notification.new', { users: ['carol'] }, { id: 'ntf_e2e_1', workspaceId: WORKSPACE, userId: 'carol',
      type: 'approval.assigned', title: 'Approval needed', body: 'for carol', createdAt: new Date().toISOString() });
    await carol.locator(`${tid('notification-badge')}:visible`).waitFor({ timeout: WAIT });
    await screenshot(carol, 'polling');
    await carol.context().close();
  });
});
