// Generated from events-schema/src/main/resources/catalogs/worklamp.catalog.json by ./pulse generate. Do not edit.
// Worklamp events: the data of each event frame, by event name.

/** Ties the event to the request that caused it. */
export type CorrelationId = string;

export type Priority = "low" | "medium" | "high" | "critical";

export interface TaskEvent {
  id: string;
  projectId: string;
  tenantId: string;
  title: string;
  status: "todo" | "in_progress" | "review" | "done";
  priority?: Priority;
  createdById?: string;
  correlationId?: CorrelationId;
}

export interface BugEvent {
  id: string;
  projectId: string;
  tenantId: string;
  title: string;
  severity: Priority;
  status: "open" | "in_progress" | "resolved" | "closed";
  reportedById?: string;
  correlationId?: CorrelationId;
}

export interface FeatureEvent {
  id: string;
  projectId: string;
  tenantId: string;
  title: string;
  status: "proposed" | "planned" | "in_progress" | "shipped" | "declined";
  votes?: number;
  correlationId?: CorrelationId;
}

/** A task was added to a project; project dashboards show it without a refresh. */
export type TaskCreatedPayload = TaskEvent;

/** A task changed. */
export type TaskUpdatedPayload = TaskEvent;

/** A task was deleted. */
export interface TaskDeletedPayload {
  id: string;
  projectId: string;
  tenantId: string;
  correlationId?: CorrelationId;
}

/** A bug was reported in a project. */
export type BugCreatedPayload = BugEvent;

/** A bug changed. */
export type BugUpdatedPayload = BugEvent;

/** A feature request was posted in a project. */
export type FeatureCreatedPayload = FeatureEvent;

/** A feature request changed. */
export type FeatureUpdatedPayload = FeatureEvent;

/** A message was posted in a channel. */
export interface MessageNewPayload {
  id: string;
  channelId: string;
  tenantId: string;
  authorId: string;
  content: string;
  createdAt: string;
  correlationId?: CorrelationId;
}

/** A notification for one user (the "new" indicators on affected items). */
export interface NotificationNewPayload {
  id: string;
  tenantId: string;
  userId: string;
  type: "task_assigned" | "bug_assigned" | "mention" | "comment";
  message: string;
  link?: string;
  createdAt: string;
  correlationId?: CorrelationId;
}

/** Every Worklamp event name, mapped to its payload type. */
export interface WorklampEvents {
  "task.created": TaskCreatedPayload;
  "task.updated": TaskUpdatedPayload;
  "task.deleted": TaskDeletedPayload;
  "bug.created": BugCreatedPayload;
  "bug.updated": BugUpdatedPayload;
  "feature.created": FeatureCreatedPayload;
  "feature.updated": FeatureUpdatedPayload;
  "message.new": MessageNewPayload;
  "notification.new": NotificationNewPayload;
}

export type WorklampEventName = keyof WorklampEvents;
