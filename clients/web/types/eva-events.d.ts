// Generated from events-schema/src/main/resources/catalogs/eva.catalog.json by ./pulse generate. Do not edit.
// EVA Assistant events: the data of each event frame, by event name.

/** Ties the event to the request that caused it. */
export type CorrelationId = string;

/** An entity was created, updated or deleted; useRealtimeUpdates applies it to the room's state. */
export interface DataUpdatePayload {
  workspaceId: string;
  /** The room whose members see the change, e.g. project-123. */
  roomId: string;
  /** The entity type, e.g. tasks. */
  entity: string;
  action: "create" | "update" | "delete";
  id: string;
  /** The entity (create) or the changed fields (update); absent for delete. */
  data?: Record<string, unknown>;
  updatedBy?: string;
  correlationId?: CorrelationId;
}

/** A user's status in a room (online, away, busy) changed, as EVA's backend records it (Socket.IO's presence:update). */
export interface UserStatusUpdatePayload {
  workspaceId: string;
  roomId: string;
  userId: string;
  status: "online" | "away" | "busy";
  correlationId?: CorrelationId;
}

/** A message to everyone in the workspace. */
export interface BroadcastPayload {
  workspaceId: string;
  message: string;
  from?: string;
  level?: "info" | "warning" | "critical";
  correlationId?: CorrelationId;
}

/** Every EVA Assistant event name, mapped to its payload type. */
export interface EvaEvents {
  "data.update": DataUpdatePayload;
  "user.status.update": UserStatusUpdatePayload;
  "broadcast": BroadcastPayload;
}

export type EvaEventName = keyof EvaEvents;
