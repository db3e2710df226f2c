// The local admin page (/admin) in a real browser (Debian chromium, headless, driven by playwright-core).
// Run by local/src/test/java/dev/pulse/local/AdminPageBrowserTest.java against a local system of its own with the
// HYVVE catalog on, which sets:
//   PULSE_DEMO_URL        the demo page, e.g. http://127.0.0.1:8787/   (the admin page is /admin beside it)
//   PULSE_EVENTS_URL      the local EventBridge endpoint, e.g. http://127.0.0.1:8788/ (a raw PutEvents, as a service would)
//   PULSE_CHROMIUM        the browser (default /usr/bin/chromium)
//   PULSE_SCREENSHOTS     where to save screenshots (optional)
// By hand: PULSE_CATALOG=hyvve ./pulse local, then PULSE_DEMO_URL=http://localhost:8787/
//   PULSE_EVENTS_URL=http://localhost:8788/ node --test admin.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { launchBrowser, required } from './support.mjs';

const DEMO = required('PULSE_DEMO_URL');
const EVENTS = required('PULSE_EVENTS_URL');
const SCREENSHOTS = process.env.PULSE_SCREENSHOTS;
const WAIT = 20_000;
const WORKSPACE = `admin-${randomUUID().slice(0, 8)}`;
const tid = (id) => `[data-testid="${id}"]`;

let browser;
const problems = [];

async function open(url, name) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
  await page.goto(url);
  return page;
}

/** A demo page signed in as the user, connected: a real client of the local system. */
async function client(user) {
  const query = new URLSearchParams({ workspace: WORKSPACE, user, autoconnect: '' });
  const page = await open(`${new URL('/', DEMO)}?${query}`, user);
  await page.locator(`${tid('connection-status')}[data-state="connected"]`).waitFor({ timeout: WAIT });
  await page.locator(`${tid('room')}[data-room="chat:general"]`).waitFor({ timeout: WAIT });
  const text = await page.locator(tid('connection-id')).textContent();
  return { page, connectionId: text.replace(/^connection\s+/, '').trim() };
}

/** PutEvents straight to the local bus (it checks no signature), bypassing /dev/publish's catalog check. */
async function putRawEvent(detailType, detail) {
  const res = await fetch(EVENTS, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({ Entries: [{ Source: 'com.hyvve.api', DetailType: detailType, EventBusName: 'default', Detail: JSON.stringify(detail) }] }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.FailedEntryCount, 0, JSON.stringify(body));
  return body.Entries[0].EventId;
}

async function screenshot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(problems, [], 'a page threw');
});

describe('admin page', () => {
  let alice, bob, admin;

  test('lists real clients\' connections with their user, workspace and rooms, and the rooms with members and presence', async () => {
    alice = await client('alice');
    bob = await client('bob');
    admin = await open(new URL('/admin', DEMO).toString(), 'admin');
    for (const [user, c] of [['alice', alice], ['bob', bob]]) {
      const row = admin.locator(`${tid('connections')} tr[data-connection-id="${c.connectionId}"]`);
      await row.waitFor({ timeout: WAIT });
      assert.equal(await row.getAttribute('data-user-id'), user);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[2], WORKSPACE);
      assert.match(cells[3], /chat:general/);
    }
    const room = admin.locator(`${tid('rooms')} tr[data-room="chat:general"][data-workspace-id="${WORKSPACE}"]`);
    await room.waitFor({ timeout: WAIT });
    await admin.waitForFunction(([selector]) => {
      const text = document.querySelector(selector)?.textContent ?? '';
      return text.includes('alice') && text.includes('bob') && /alice online/.test(text) && /bob online/.test(text);
    }, [`${tid('rooms')} tr[data-room="chat:general"][data-workspace-id="${WORKSPACE}"]`], { timeout: WAIT });
  });

  test('shows the latest events with their positions in the room\'s log', async () => {
    const res = await fetch(new URL('/dev/publish', DEMO), {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'chat.message', workspaceId: WORKSPACE, targets: { rooms: ['chat:general'] },
        data: { id: 'msg_admin_1', workspaceId: WORKSPACE, chatId: 'general', senderId: 'alice', senderType: 'user',
          content: 'hello admin', createdAt: new Date().toISOString() } }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, body);
    const { eventId } = JSON.parse(body);
    const row = admin.locator(`${tid('events')} tr[data-event-id="${eventId}"]`);
    await row.waitFor({ timeout: WAIT });
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[0], `${WORKSPACE} / chat:general`);
    assert.equal(cells[1], '1');
    assert.match(cells[2], /\S+/);
    assert.equal(cells[3], 'chat.message');
    // Positions only: the payload stays off the page.
    assert.ok(!(await admin.content()).includes('hello admin'), 'a payload on the admin page');
  });

  test('shows a dead-lettered event with its reason and JSON path, and the counters', async () => {
    const eventId = await putRawEvent('approval.created', {
      id: 'appr_9', workspaceId: WORKSPACE, type: 'content', title: 'Budget', status: 'maybe', priority: 'high',
      confidenceScore: 82, createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    const row = admin.locator(`${tid('refused')} tr[data-event-id="${eventId}"]`);
    await row.waitFor({ timeout: WAIT });
    assert.equal(await row.getAttribute('data-reason'), 'invalid_payload');
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[1], 'approval.created');
    assert.equal(cells[3], '$.status');
    await admin.locator(`${tid('metrics')} tr[data-metric="EventsRefused"][data-dimensions="Reason=invalid_payload"]`)
      .waitFor({ timeout: WAIT });
    const connects = await admin.locator(`${tid('metrics')} tr[data-metric="Connects"]`).getAttribute('data-value');
    assert.ok(Number(connects) >= 2, `Connects ${connects}`);
    await screenshot(admin, 'admin-page');
  });

  test('the disconnect button closes a connection: its page sees the close and the row goes', async () => {
    // Every state bob's page goes through from here (a transient one could be missed by polling).
    await bob.page.evaluate(() => {
      window.adminTestStates = [];
      const status = document.querySelector('[data-testid="connection-status"]');
      new MutationObserver(() => window.adminTestStates.push(status.dataset.state))
        .observe(status, { attributes: true, attributeFilter: ['data-state'] });
    });
    const row = admin.locator(`${tid('connections')} tr[data-connection-id="${bob.connectionId}"]`);
    await row.locator(tid('disconnect')).click();
    await row.waitFor({ state: 'detached', timeout: WAIT });
    // The client was really closed: its page left the connected state.
    await bob.page.waitForFunction(() => window.adminTestStates.some((s) => s !== 'connected'), undefined, { timeout: WAIT });
    assert.ok(await admin.locator(`${tid('connections')} tr[data-connection-id="${alice.connectionId}"]`).count() === 1);
  });
});
