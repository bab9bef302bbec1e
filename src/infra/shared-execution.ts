import {
  createSourceEventStream,
  defaultFieldResolver,
  execute,
  isObjectType,
  locatedError,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { Extensions } from 'type-graphql';

/**
 * Shared fan-out execution. Subscribers of one event whose streams are declared shareable
 * (`live(…, { shared: true })`: the value of an event depends on the event, the arguments
 * and the viewer only) and whose operations are the same document, operation and variables
 * get one GraphQL execution per event instead of one each, and one serialised payload
 * (`SharedPayloads`). What may differ between viewers decides the group:
 *
 * - a selection that reads a field marked `@Extensions({ perViewer: true })` (its value
 *   depends on who asks: `viewerHasLiked`, a gated `body`, `viewerReacted`) or a field with
 *   a permission rule below the root (`User.email`) is grouped per principal (the same
 *   viewer, key or anonymous client on several sockets still shares) for the events whose
 *   execution reaches such a field; for the others (a new message has no reactions to ask
 *   `viewerReacted` of) one execution serves the whole broad group below (`runAs`);
 * - any other selection is grouped by what the root field's rule and the stream's checks
 *   read of the principal: signed in or not, the role, the API key's scopes.
 *
 * Each subscriber's own stream still decides which events reach it (access, filters,
 * ordering, END): only what is executed for an event it takes is shared.
 */

/** Field extensions key: the field's value depends on the viewer. */
export const PER_VIEWER = 'perViewer';

interface Principal {
  viewer: { id: string; role: string } | null;
  apiKey: { id: string; scopes: readonly string[] } | null;
  anonymousId: string | null;
}

const rootNames = (schema: GraphQLSchema) =>
  new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((t) => t)
      .map((t) => t!.name),
  );

/** Whether a field's value may depend on the viewer: marked, or ruled below the root. */
const perViewerField = (
  roots: ReadonlySet<string>,
  ruled: ReadonlySet<string>,
  parent: string,
  field: GraphQLField<unknown, unknown>,
) =>
  field.extensions?.[PER_VIEWER] === true ||
  (!roots.has(parent) && ruled.has(`${parent}.${field.name}`));

/** Whether the operation reads anything whose value depends on the viewer. */
export function readsPerViewer(
  schema: GraphQLSchema,
  document: DocumentNode,
  ruled: ReadonlySet<string>,
): boolean {
  const roots = rootNames(schema);
  const info = new TypeInfo(schema);
  let perViewer = false;
  visit(
    document,
    visitWithTypeInfo(info, {
      Field() {
        const field = info.getFieldDef();
        const parent = info.getParentType();
        // Unknown fields cannot pass validation; counted as per-viewer all the same.
        if (!field || !parent || perViewerField(roots, ruled, parent.name, field)) perViewer = true;
      },
    }),
  );
  return perViewer;
}

/** Contexts in which a per-viewer field has resolved (`trackPerViewerReads`). */
const readPerViewer = new WeakSet<object>();
const tracked = new WeakSet<GraphQLSchema>();

/**
 * Wraps the resolver of every per-viewer field of `schema` (as `readsPerViewer` counts them)
 * so that an execution knows whether it reached one: a document that may read per-viewer
 * fields often does not for a given event (`viewerReacted` of a new message, which has no
 * reactions), and its result is then everyone's (`SharedExecutions.runAs`). Once per schema.
 */
export function trackPerViewerReads(schema: GraphQLSchema, ruled: ReadonlySet<string>): void {
  if (tracked.has(schema)) return;
  tracked.add(schema);
  const roots = rootNames(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!perViewerField(roots, ruled, type.name, field)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        if (typeof context === 'object' && context !== null) readPerViewer.add(context);
        return resolve(source, args, context, info);
      };
    }
  }
}

/** The group of a subscription: subscribers with equal keys share each event's execution. */
export function groupKey(
  query: string,
  operationName: string | null | undefined,
  variables: unknown,
  principal: Principal,
  perViewer: boolean,
): string {
  const { viewer, apiKey, anonymousId } = principal;
  const who = perViewer
    ? [viewer?.id ?? null, apiKey?.id ?? null, viewer || apiKey ? null : anonymousId]
    : [viewer?.role ?? null, apiKey ? [...apiKey.scopes].sort() : null];
  return JSON.stringify([query, operationName ?? null, variables ?? null, who]);
}

/** A subscription's groups: `own` (per principal) is set when its document may read per-viewer fields. */
export interface GroupKeys {
  key: string;
  own: string | null;
}

interface EventExecutions {
  /** By group key: the result every subscriber of the group gets. */
  results: Map<string, Promise<ExecutionResult>>;
  /** By broad key, for documents that may read per-viewer fields: the first execution, and whether it did. */
  tries: Map<string, Promise<{ result: ExecutionResult; perViewer: boolean }>>;
}

/**
 * One execution per (event, group). Events are the pub/sub's parsed messages, the same
 * object for every subscriber of one publish; entries go with the event.
 */
export class SharedExecutions {
  private readonly byEvent = new WeakMap<object, EventExecutions>();
  /** Executions made for a shared stream's events, and results handed to another subscriber. */
  readonly counts = { executed: 0, reused: 0 };

  run(
    event: object,
    key: string,
    execute: () => Promise<ExecutionResult> | ExecutionResult,
  ): Promise<ExecutionResult> {
    const { results } = this.of(event);
    let result = results.get(key);
    if (result) {
      this.counts.reused++;
    } else {
      this.counts.executed++;
      result = Promise.resolve().then(execute);
      results.set(key, result);
    }
    return result;
  }

  /**
   * `run` for a subscription in `groups`. With no `own` group, the broad group's. With one,
   * the first subscriber of the broad group executes and `context` tells whether a
   * per-viewer field resolved: if none did, the result is the whole broad group's; if one
   * did, it is its own group's, and every other principal executes for theirs.
   */
  async runAs(
    event: object,
    groups: GroupKeys,
    context: object,
    execute: () => Promise<ExecutionResult> | ExecutionResult,
  ): Promise<ExecutionResult> {
    const { key, own } = groups;
    if (own === null) return this.run(event, key, execute);
    const entry = this.of(event);
    const mine = entry.results.get(own);
    if (mine) {
      this.counts.reused++;
      return mine;
    }
    const first = entry.tries.get(key);
    if (!first) {
      this.counts.executed++;
      const attempt = Promise.resolve().then(async () => {
        readPerViewer.delete(context);
        const result = await execute();
        return { result, perViewer: readPerViewer.has(context) };
      });
      entry.tries.set(key, attempt);
      const result = attempt.then((a) => a.result);
      entry.results.set(own, result);
      return result;
    }
    const tried = await first;
    if (!tried.perViewer) {
      this.counts.reused++;
      return tried.result;
    }
    return this.run(event, own, execute);
  }

  private of(event: object): EventExecutions {
    let entry = this.byEvent.get(event);
    if (!entry) this.byEvent.set(event, (entry = { results: new Map(), tries: new Map() }));
    return entry;
  }
}

/**
 * A stream's value that is built only when it is executed: a subscriber of a shared stream
 * whose group already has the event's result never builds its own.
 */
export class Lazy<T> {
  constructor(readonly build: () => T | Promise<T>) {}
}

/** A value made when it is executed (`Lazy`). */
export const lazy = <T>(build: () => T | Promise<T>) => new Lazy(build);

const valueOf = async (payload: unknown) =>
  payload instanceof Lazy ? await (payload as Lazy<unknown>).build() : payload;

export interface ShareHooks {
  /** The groups of a subscription whose source stream is open, or null: not shared. */
  keyOf(args: ExecutionArgs): GroupKeys | null;
  /** The source event the stream's latest value was made from, or undefined. */
  eventOf(contextValue: unknown): object | undefined;
}

/**
 * graphql-ws's `subscribe`: graphql-js's own (the source stream, then `execute` per event),
 * with the execution of a shared stream's event looked up in `executions` first.
 */
export function sharedSubscribe(executions: SharedExecutions, hooks: ShareHooks) {
  return async (
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const key = hooks.keyOf(args);
    const source = stream[Symbol.asyncIterator]() as AsyncIterator<unknown>;
    const executeFor = (payload: unknown) => {
      const run = async () =>
        (await execute({ ...args, rootValue: await valueOf(payload) })) as ExecutionResult;
      const event = key === null ? undefined : hooks.eventOf(args.contextValue);
      return event ? executions.runAs(event, key!, args.contextValue as object, run) : run();
    };
    let failed = false;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        if (failed) return { value: undefined, done: true };
        try {
          const r = await source.next();
          if (r.done) return { value: undefined, done: true };
          return { value: await executeFor(r.value), done: false };
        } catch (e) {
          // A stream that fails (its database query could not get a connection) ends with
          // the error as its last result, formatted as any other (`onNext`), then completes:
          // thrown, graphql-ws would close the whole socket with 4500.
          failed = true;
          source.return?.().catch(() => undefined);
          return { value: { errors: [locatedError(e, undefined)] }, done: false };
        }
      },
      async return() {
        await source.return?.();
        return { value: undefined, done: true };
      },
      async throw(err?: unknown) {
        await source.return?.();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Marks a field whose value depends on who asks (`PER_VIEWER`): a subscription that reads
 * it shares executions only between sockets of the same viewer. Every field that reads the
 * viewer, or a loader made for the viewer, carries it; fields with a permission rule count
 * without it.
 */
export const PerViewer = () => Extensions({ [PER_VIEWER]: true });
