// A sample access hook for Pulse (PROTOCOL §5.1, docs/ACCESS.md): plain Node.js >= 20, no dependencies.
//
//   PULSE_ACCESS_HOOK_SECRET=<the secret Pulse signs with, >= 32 bytes> \
//   ACCESS_HOOK_MEMBERS=members.json PORT=8790 node docs/examples/access-hook.mjs
//
// Pulse POSTs {"userId","workspaceId","room","action"} for every room action in a `hook` namespace (its answers
// cached) and expects 200 {"allow": bool, "reason"?: string, "ttlSeconds"?: int}. Every request is signed:
// X-Pulse-Timestamp (epoch seconds) and X-Pulse-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">.
// Anything that is not signed with the secret, or signed more than 5 minutes away from now, gets 401: it did not
// come from Pulse (or is a replay), and Pulse itself treats any answer but 200 as "cannot decide" and refuses.
//
// Who is a member of what comes from ACCESS_HOOK_MEMBERS, a JSON file {"<workspaceId>": {"<room>": ["<userId>", …]}}.
// In your app, replace membersDecide() with a lookup in your own data (project memberships, channel members, …).
// It serves plain HTTP: a deployed Pulse calls https:// URLs only, so put it behind your TLS endpoint (or node:https).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** Signed more than this far from our clock (either way): refused as a replay or a clock gone wrong. */
export const MAX_SKEW_SECONDS = 5 * 60;
/** Pulse's request is ~150 bytes; anything much larger is not Pulse. */
const MAX_BODY_BYTES = 8 * 1024;
/** How long Pulse may reuse an answer: an allow for a minute, a deny briefly (Pulse keeps a deny 5 s at most). */
const ALLOW_TTL_SECONDS = 60;
const DENY_TTL_SECONDS = 5;

/** Whether `signature` is Pulse's signature of `timestamp.body` with `secret`, in constant time. */
export function verifySignature(secret, timestamp, body, signature, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed X-Pulse-Timestamp';
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return 'X-Pulse-Timestamp is more than 5 minutes off';
  if (typeof signature !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    return 'missing or malformed X-Pulse-Signature';
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  const given = Buffer.from(signature.slice('sha256='.length), 'hex');
  // Both are 32 bytes here (the format was checked), as timingSafeEqual requires.
  return timingSafeEqual(expected, given) ? null : 'bad X-Pulse-Signature';
}

/** The decision: members of a room may do everything there (join, publish, typing, presence, read). */
export function membersDecide(members) {
  return ({ userId, workspaceId, room }) => {
    const allowed = members[workspaceId]?.[room] ?? [];
    if (allowed.includes(userId)) return { allow: true, ttlSeconds: ALLOW_TTL_SECONDS };
    return { allow: false, reason: `not a member of ${room}`, ttlSeconds: DENY_TTL_SECONDS };
  };
}

/** An http.Server answering Pulse's access questions with `decide(question)` (which may be async). */
export function createAccessHook({ secret, decide, now = () => Math.floor(Date.now() / 1000) }) {
  if (typeof secret !== 'string' || Buffer.byteLength(secret) < 32) {
    throw new Error('PULSE_ACCESS_HOOK_SECRET must be set to the secret Pulse signs with (at least 32 bytes)');
  }
  return createServer(async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });
    // The raw bytes are what Pulse signed: verify them before parsing anything.
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(413, { error: 'body too large' });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const problem = verifySignature(secret, req.headers['x-pulse-timestamp'], body, req.headers['x-pulse-signature'], now());
    if (problem) return reply(401, { error: problem });
    let question;
    try {
      question = JSON.parse(body);
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    try {
      const { allow, reason, ttlSeconds } = await decide(question);
      // Only the three fields Pulse reads; allow must be a boolean, or Pulse refuses as "cannot decide".
      return reply(200, { allow: allow === true, ...(reason ? { reason } : {}), ...(ttlSeconds >= 0 ? { ttlSeconds } : {}) });
    } catch (e) {
      // Not an answer: Pulse refuses access (access_unavailable) and does not cache it.
      console.error('access decision failed:', e);
      return reply(500, { error: 'decision failed' });
    }
  });
}

// Run as a program (not when imported by a test or by your own server).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const members = process.env.ACCESS_HOOK_MEMBERS ? JSON.parse(readFileSync(process.env.ACCESS_HOOK_MEMBERS, 'utf8')) : {};
  let server;
  try {
    server = createAccessHook({ secret: process.env.PULSE_ACCESS_HOOK_SECRET, decide: membersDecide(members) });
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(Number(process.env.PORT ?? 8790), host, () => {
    // The first line names the address (PORT=0 picks a free port; the tests read it from here).
    console.log(`access hook listening on http://${host}:${server.address().port}/`);
  });
}
