/**
 * Why the publisher refused an event or command before sending anything: what EventBridge or the fan-out would refuse
 * downstream (an invalid room or user id, no target, a missing workspace, an over-size entry, a payload the catalog
 * refuses). `field` names the envelope field at fault, as the fan-out's dead-letter message would (`targets.rooms[0]`,
 * `workspaceId`, `data`, …); `event` is the event name (or `pulse.control`).
 */
export class PublishRefusedError extends Error {
  readonly event: string;
  readonly field: string;

  constructor(event: string, field: string, message: string, text = `event ${event}: ${field}: ${message}`) {
    super(text);
    this.name = 'PublishRefusedError';
    this.event = event;
    this.field = field;
  }
}

/** One failing JSON path of a payload, e.g. `{ path: '$.status', message: 'must be equal to one of the allowed values' }`. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/**
 * A payload its event's catalog schema refuses, or an event a strict catalog does not declare. The message names the
 * event and every failing JSON path, like the Java publisher's InvalidEventException:
 * `event chat.message: $.content: must be string`.
 */
export class InvalidEventError extends PublishRefusedError {
  readonly violations: readonly Violation[];

  constructor(event: string, violations: readonly Violation[]) {
    const paths = violations.map((v) => `${v.path}: ${v.message}`).join('; ');
    super(event, 'data', paths, `event ${event}: ${paths}`);
    this.name = 'InvalidEventError';
    this.violations = violations;
  }
}

/** One entry EventBridge rejected, with its error code (e.g. `MalformedDetail`) and message. */
export interface Failure {
  readonly eventId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/**
 * EventBridge accepted the PutEvents call but rejected some entries (`FailedEntryCount > 0`). Entries not listed in
 * `failures` were published (`publishedEventIds`). Sending the same requests again is safe: their event ids are fixed
 * and the fan-out drops duplicates.
 */
export class PublishError extends Error {
  readonly failures: readonly Failure[];
  readonly publishedEventIds: readonly string[];

  constructor(failures: readonly Failure[], publishedEventIds: readonly string[]) {
    super(`EventBridge rejected ${failures.length} of ${failures.length + publishedEventIds.length} entries: `
      + failures.map((f) => `${f.eventId} ${f.errorCode}: ${f.errorMessage}`).join('; '));
    this.name = 'PublishError';
    this.failures = failures;
    this.publishedEventIds = publishedEventIds;
  }

  /** EventBridge's error code for the first rejected entry. */
  get errorCode(): string {
    return this.failures[0]!.errorCode;
  }
}
