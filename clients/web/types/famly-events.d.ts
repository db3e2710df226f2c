// Generated from events-schema/src/main/resources/catalogs/famly.catalog.json by ./pulse generate. Do not edit.
// Famly events: the data of each event frame, by event name.

/** Ties the event to the request that caused it. */
export type CorrelationId = string;

/** A family task, as the client shows it. */
export interface Task {
  _id: string;
  familyId: string;
  name: string;
  description?: string;
  status: "open" | "completed" | "pending_approval";
  assignment: {
    type: "member" | "role" | "anyone";
    memberId?: string;
    role?: "parent" | "child";
  };
  /** Karma awarded on completion. */
  karma?: number;
  dueDate?: string | null;
}

/** Payload of task.created and task.assigned. */
export interface TaskEvent {
  taskId: string;
  familyId: string;
  /** The affected (assigned) user. */
  userId: string;
  task: Task;
  correlationId?: CorrelationId;
}

export interface KarmaEvent {
  familyId: string;
  userId: string;
  /** Always positive; the event name says which way. */
  amount: number;
  /** The user's karma after the change. */
  balance: number;
  reason?: string;
  taskId?: string;
  correlationId?: CorrelationId;
}

export interface ClaimEvent {
  claimId: string;
  familyId: string;
  /** The member who claimed the reward. */
  userId: string;
  rewardId: string;
  rewardName?: string;
  karmaCost?: number;
  status: "pending" | "approved" | "completed" | "cancelled";
  correlationId?: CorrelationId;
}

/** A task was created and assigned to a member. */
export type TaskCreatedPayload = TaskEvent;

/** An existing task was (re)assigned to a member. */
export type TaskAssignedPayload = TaskEvent;

/** A task was completed. */
export interface TaskCompletedPayload {
  taskId: string;
  familyId: string;
  /** The user to notify (the task's owner). */
  userId: string;
  completedBy: string;
  task: Task;
  correlationId?: CorrelationId;
}

/** A task was deleted. */
export interface TaskDeletedPayload {
  taskId: string;
  familyId: string;
  userId: string;
  correlationId?: CorrelationId;
}

/** Karma was awarded to a member. */
export type KarmaAwardedPayload = KarmaEvent;

/** Karma was deducted from a member. */
export type KarmaDeductedPayload = KarmaEvent;

/** A member claimed a reward. */
export type ClaimCreatedPayload = ClaimEvent;

/** A parent approved a reward claim. */
export type ClaimApprovedPayload = ClaimEvent;

/** A reward claim was fulfilled. */
export type ClaimCompletedPayload = ClaimEvent;

/** A reward claim was cancelled; its karma is refunded. */
export type ClaimCancelledPayload = ClaimEvent;

/** A claim needs a parent's approval; sent to that parent. */
export interface ApprovalTaskCreatedPayload {
  taskId: string;
  claimId: string;
  familyId: string;
  /** The approver. */
  userId: string;
  requestedBy?: string;
  correlationId?: CorrelationId;
}

/** A new chat message, to everyone in the chat's room. */
export interface MessageNewPayload {
  chatId: string;
  familyId: string;
  message: {
    _id: string;
    senderId: string;
    content: string;
    createdAt: string;
  };
  correlationId?: CorrelationId;
}

/** A read receipt: a member read the chat up to a message. */
export interface MessageReadPayload {
  chatId: string;
  familyId: string;
  userId: string;
  messageId: string;
  readAt: string;
  correlationId?: CorrelationId;
}

/** A chat's metadata changed (title, members); sent to every member's devices, joined to the chat room or not. */
export interface ChatUpdatedPayload {
  chatId: string;
  familyId: string;
  memberIds: string[];
  title?: string;
  correlationId?: CorrelationId;
}

/** Every Famly event name, mapped to its payload type. */
export interface FamlyEvents {
  "task.created": TaskCreatedPayload;
  "task.assigned": TaskAssignedPayload;
  "task.completed": TaskCompletedPayload;
  "task.deleted": TaskDeletedPayload;
  "karma.awarded": KarmaAwardedPayload;
  "karma.deducted": KarmaDeductedPayload;
  "claim.created": ClaimCreatedPayload;
  "claim.approved": ClaimApprovedPayload;
  "claim.completed": ClaimCompletedPayload;
  "claim.cancelled": ClaimCancelledPayload;
  "approval_task.created": ApprovalTaskCreatedPayload;
  "message.new": MessageNewPayload;
  "message.read": MessageReadPayload;
  "chat.updated": ChatUpdatedPayload;
}

export type FamlyEventName = keyof FamlyEvents;
