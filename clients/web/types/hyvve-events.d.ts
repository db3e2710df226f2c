// Generated from events-schema/src/main/resources/catalogs/hyvve.catalog.json by ./pulse generate. Do not edit.
// HYVVE events: the data of each event frame, by event name.

/** Ties the event to the request that caused it (the Event Bus correlationId). */
export type CorrelationId = string;

export type ApprovalStatus = "pending" | "approved" | "rejected" | "auto_approved" | "escalated";

export type Priority = "low" | "medium" | "high" | "urgent";

/** An item in the approval queue. */
export interface ApprovalItem {
  id: string;
  /** The workspace (tenant) the item belongs to. */
  workspaceId: string;
  /** What needs approval, e.g. content, email, campaign. */
  type: string;
  title: string;
  description?: string;
  status: ApprovalStatus;
  priority?: Priority;
  /** The agent's confidence, 0 to 100. */
  confidenceScore?: number;
  /** User id of the reviewer, or null. */
  assignedTo?: string | null;
  createdAt: string;
  correlationId?: CorrelationId;
}

export type AgentStatus = "idle" | "running" | "paused" | "error" | "offline";

/** One run of an agent. */
export interface AgentRun {
  runId: string;
  agentId: string;
  workspaceId: string;
  startedAt: string;
  correlationId?: CorrelationId;
}

/** A new item entered the approval queue; it appears in the queue with an animation. */
export type ApprovalCreatedPayload = ApprovalItem;

/** An approval item changed (status, reviewer, priority); only the changed fields are present besides the ids. */
export interface ApprovalUpdatedPayload {
  id: string;
  workspaceId: string;
  status?: ApprovalStatus;
  priority?: Priority;
  assignedTo?: string | null;
  title?: string;
  updatedAt?: string;
  correlationId?: CorrelationId;
}

/** An approval item was removed from the queue. */
export interface ApprovalDeletedPayload {
  id: string;
  workspaceId: string;
  correlationId?: CorrelationId;
}

/** An agent's status changed; status indicators update live. */
export interface AgentStatusChangedPayload {
  agentId: string;
  workspaceId: string;
  status: AgentStatus;
  correlationId?: CorrelationId;
}

/** An agent run started. */
export type AgentRunStartedPayload = AgentRun;

/** An agent run finished successfully. */
export interface AgentRunCompletedPayload {
  runId: string;
  agentId: string;
  workspaceId: string;
  startedAt: string;
  completedAt: string;
  durationMs?: number;
  correlationId?: CorrelationId;
}

/** An agent run failed. */
export interface AgentRunFailedPayload {
  runId: string;
  agentId: string;
  workspaceId: string;
  startedAt: string;
  error: {
    message: string;
    code?: string;
    retryable?: boolean;
  };
  correlationId?: CorrelationId;
}

/** A notification for one user; the badge count updates on every device of that user. */
export interface NotificationNewPayload {
  id: string;
  workspaceId: string;
  /** The recipient. */
  userId: string;
  type: string;
  title: string;
  body?: string;
  link?: string;
  createdAt: string;
  correlationId?: CorrelationId;
}

/** A new message in a chat; it appears in the chat panel of everyone in the chat's room. */
export interface ChatMessagePayload {
  id: string;
  workspaceId: string;
  chatId: string;
  senderId: string;
  senderType?: "user" | "agent";
  content: string;
  createdAt: string;
  correlationId?: CorrelationId;
}

/** Every HYVVE event name, mapped to its payload type. */
export interface HyvveEvents {
  "approval.created": ApprovalCreatedPayload;
  "approval.updated": ApprovalUpdatedPayload;
  "approval.deleted": ApprovalDeletedPayload;
  "agent.status.changed": AgentStatusChangedPayload;
  "agent.run.started": AgentRunStartedPayload;
  "agent.run.completed": AgentRunCompletedPayload;
  "agent.run.failed": AgentRunFailedPayload;
  "notification.new": NotificationNewPayload;
  "chat.message": ChatMessagePayload;
}

export type HyvveEventName = keyof HyvveEvents;
