import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { InvalidEventError, type Violation } from './errors.js';

/** What a catalog does with an event name it does not declare: refuse it (strict) or let it through unvalidated. */
export type UnknownEvents = 'strict' | 'permissive';

interface CatalogDocument {
  app?: string;
  unknownEvents?: UnknownEvents;
  $defs?: Record<string, unknown>;
  events?: Record<string, { payload?: unknown }>;
}

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose default is the plugin.
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as
  (ajv: Ajv2020) => Ajv2020;

/**
 * An application's event catalog (docs/CATALOG.md): the same `<app>.catalog.json` files the Java publisher and the
 * fan-out load, each event's payload checked with its JSON Schema 2020-12 (format assertions on, as on the Java side:
 * a `date-time` must be one). The catalog's shared `$defs` travel with every payload schema, so `#/$defs/…` refs
 * resolve as they do in Java. The catalog's own load-time checks (routes, access, examples) are the Java build's job;
 * this checks payloads.
 * ```ts
 * const catalog = EventCatalog.load('hyvve');          // bundled with the package, or a path to your own file
 * catalog.validate('approval.created', payload);        // InvalidEventError naming the event and each JSON path
 * ```
 */
export class EventCatalog {
  /** Where the package keeps the catalogs shipped with Pulse (hyvve, famly, worklamp, eva), copied at build. */
  static readonly BUNDLED = fileURLToPath(new URL('./catalogs/', import.meta.url));

  readonly app: string;
  readonly origin: string;
  readonly unknownEvents: UnknownEvents;
  private readonly validators: ReadonlyMap<string, ValidateFunction>;

  private constructor(origin: string, document: CatalogDocument, unknownEvents: UnknownEvents | undefined,
                      validators?: ReadonlyMap<string, ValidateFunction>) {
    if (typeof document !== 'object' || document === null || typeof document.events !== 'object') {
      throw new Error(`catalog ${origin}: not a catalog (no "events" object)`);
    }
    this.origin = origin;
    this.app = document.app ?? origin;
    this.unknownEvents = unknownEvents ?? document.unknownEvents ?? 'strict';
    this.validators = validators ?? compile(origin, document);
  }

  /**
   * A bare name (`hyvve`) loads the catalog of that name shipped with the package, as Java's `EventCatalog.load`
   * loads it from the class path; anything with a `/` or ending in `.json` is a file path.
   */
  static load(location: string): EventCatalog {
    const bare = !location.includes('/') && !location.includes('\\') && !location.endsWith('.json');
    const file = bare ? `${EventCatalog.BUNDLED}${location}.catalog.json` : location;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`catalog ${location}: cannot read ${file}: ${(e as Error).message}`);
    }
    return EventCatalog.fromDocument(JSON.parse(text) as object, location);
  }

  /** A catalog from its parsed JSON; `origin` names it in errors. */
  static fromDocument(document: object, origin = 'catalog'): EventCatalog {
    return new EventCatalog(origin, document as CatalogDocument, undefined);
  }

  /** The same catalog with another policy for undeclared events (as a deployment's PULSE_UNKNOWN_EVENTS overrides). */
  withUnknownEvents(mode: UnknownEvents): EventCatalog {
    return new EventCatalog(this.origin, { app: this.app, events: {} }, mode, this.validators);
  }

  declares(event: string): boolean {
    return this.validators.has(event);
  }

  /** What is wrong with a payload for an event; empty when it is valid (or undeclared in a permissive catalog). */
  check(event: string, payload: unknown): Violation[] {
    const validate = this.validators.get(event);
    if (!validate) {
      return this.unknownEvents === 'permissive' ? [] : [{
        path: '$',
        message: `unknown event type (catalog ${this.app} declares ${this.validators.size} events and is strict)`,
      }];
    }
    return validate(payload === undefined ? null : payload) ? [] : (validate.errors ?? []).map(violation);
  }

  /** @throws InvalidEventError naming the event and every failing JSON path */
  validate(event: string, payload: unknown): void {
    const violations = this.check(event, payload);
    if (violations.length > 0) throw new InvalidEventError(event, violations);
  }
}

function compile(origin: string, document: CatalogDocument): Map<string, ValidateFunction> {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  const validators = new Map<string, ValidateFunction>();
  for (const [name, type] of Object.entries(document.events ?? {})) {
    const payload = type.payload ?? true;
    // The payload schema as its own document, with the catalog's $defs merged in (its own win), as CatalogLoader does.
    const schema = typeof payload === 'object' && payload !== null
      ? { ...payload, $defs: { ...document.$defs, ...(payload as { $defs?: object }).$defs } }
      : payload;
    try {
      validators.set(name, ajv.compile(schema as object));
    } catch (e) {
      throw new Error(`catalog ${origin}: event ${name}: payload schema does not compile: ${(e as Error).message}`);
    }
  }
  return validators;
}

/** Ajv's error as a violation at a JSON path (`$.items[0].name`), the form the Java side reports. */
function violation(error: ErrorObject): Violation {
  const path = error.instancePath.split('/').slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, key) => acc + (/^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`), '$');
  const allowed = error.keyword === 'enum' ? ` ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}` : '';
  return { path, message: `${error.message ?? error.keyword}${allowed}` };
}
