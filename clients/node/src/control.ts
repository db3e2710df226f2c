import { PublishRefusedError } from './errors.js';
import {
  CONTROL_DETAIL_TYPE, ENVELOPE_VERSION, MAX_CORRELATION_ID_LENGTH, MAX_REASON_LENGTH, isText, isValidId,
  isValidRoomName,
} from './rules.js';

/**
 * A control command (PROTOCOL §10.6): acts on the connections of one user (`userId`) or one connection
 * (`connectionId`) inside the workspace. `room.join` and `room.remove` name a room; `connections.close` none.
 */
export interface ControlCommand {
  control: 'room.join' | 'room.remove' | 'connections.close';
  workspaceId: string;
  userId?: string;
  connectionId?: string;
  room?: string;
  /** Shown to the removed connections in `room.removed` (at most 200 characters). */
  reason?: string;
  correlationId?: string;
}

const KINDS = new Set(['room.join', 'room.remove', 'connections.close']);

/** The command's Detail, after the fan-out's own checks (ControlCodec.fromDetail), so nothing malformed is sent. */
export function controlDetail(command: ControlCommand, eventId: string): Record<string, string> {
  const refuse = (field: string, message: string): never => {
    throw new PublishRefusedError(CONTROL_DETAIL_TYPE, field, message);
  };
  const { control, workspaceId, userId, connectionId, room, reason, correlationId } = command;
  if (!KINDS.has(control)) refuse('control', `must be one of ${[...KINDS].join(', ')}: ${JSON.stringify(control)}`);
  if (!isText(workspaceId)) refuse('workspaceId', 'is missing: every command acts inside one workspace');
  if (!isValidId(workspaceId)) refuse('workspaceId', `not a valid id: ${JSON.stringify(workspaceId)}`);
  if ((userId === undefined) === (connectionId === undefined)) {
    refuse('userId', 'exactly one of userId or connectionId is required');
  }
  if (userId !== undefined && !isValidId(userId)) refuse('userId', `not a valid user id: ${JSON.stringify(userId)}`);
  if (connectionId !== undefined && !isText(connectionId)) refuse('connectionId', 'must be a non-empty string');
  if (control === 'connections.close') {
    if (room !== undefined) refuse('room', 'connections.close takes no room');
  } else if (!isValidRoomName(room)) {
    refuse('room', `${control} needs a valid room name: ${JSON.stringify(room)}`);
  } else if (room.startsWith('user:') || room.startsWith('workspace:')) {
    refuse('room', 'user: and workspace: rooms are joined and left by their own rules');
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON_LENGTH)) {
    refuse('reason', `must be a string of at most ${MAX_REASON_LENGTH} characters`);
  }
  if (correlationId !== undefined && (!isText(correlationId) || correlationId.length > MAX_CORRELATION_ID_LENGTH)) {
    refuse('correlationId', `must be 1 to ${MAX_CORRELATION_ID_LENGTH} characters`);
  }
  const detail: Record<string, string> = { envelope: ENVELOPE_VERSION, control, eventId, workspaceId };
  for (const [key, value] of Object.entries({ userId, connectionId, room, reason, correlationId })) {
    if (value !== undefined) detail[key] = value;
  }
  return detail;
}
