// The envelope's rules (PROTOCOL §5, §10.2, §10.6), as the Java side applies them (EnvelopeCodec, ControlCodec,
// Room): a request the publisher accepts is one the fan-out accepts.

/** The characters of an id (a room's id part, a user id, a workspace id): never `#`, `/` or whitespace. */
const ID = '[A-Za-z0-9_.@:=+|-]{1,128}';
const ROOM = new RegExp(`^[a-z][a-z0-9_-]{0,31}:${ID}$`);
const ID_ONLY = new RegExp(`^${ID}$`);

export const MAX_EVENT_ID_LENGTH = 128;
/** EventBridge's own limit on DetailType. */
export const MAX_EVENT_NAME_LENGTH = 128;
export const MAX_CORRELATION_ID_LENGTH = 256;
export const MAX_REASON_LENGTH = 200;
export const ENVELOPE_VERSION = 'pulse.v1';
export const CONTROL_DETAIL_TYPE = 'pulse.control';

/** A room name: `<namespace>:<id>`, e.g. `chat:42`, `doc:folder:7`, `user:auth0|64f1c2`. */
export function isValidRoomName(name: unknown): name is string {
  return typeof name === 'string' && ROOM.test(name);
}

/** A user or workspace id: 1 to 128 of `A–Z a–z 0–9 _ . @ : = + | -`. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_ONLY.test(id);
}

export function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
