import {
  createSourceEventStream,
  execute,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
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
 *   a permission rule below the root (`User.email`) is grouped per principal: the same
 *   viewer (or key, or anonymous client) on several sockets still shares;
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

/** Whether the operation reads anything whose value depends on the viewer. */
export function readsPerViewer(
  schema: GraphQLSchema,
  document: DocumentNode,
  ruled: ReadonlySet<string>,
): boolean {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((t) => t)
      .map((t) => t!.name),
  );
  const info = new TypeInfo(schema);
  let perViewer = false;
  visit(
    document,
    visitWithTypeInfo(info, {
      Field() {
        const field = info.getFieldDef();
        const parent = info.getParentType();
        // Unknown fields cannot pass validation; counted as per-viewer all the same.
        if (!field || !parent) {
          perViewer = true;
          return;
        }
        if (field.extensions?.[PER_VIEWER] === true) perViewer = true;
        if (!roots.has(parent.name) && ruled.has(`${parent.name}.${field.name}`)) perViewer = true;
      },
    }),
  );
  return perViewer;
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

/**
 * One execution per (event, group). Events are the pub/sub's parsed messages, the same
 * object for every subscriber of one publish; entries go with the event.
 */
export class SharedExecutions {
  private readonly byEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  /** Executions made for a shared stream's events, and results handed to another subscriber. */
  readonly counts = { executed: 0, reused: 0 };

  run(
    event: object,
    key: string,
    execute: () => Promise<ExecutionResult> | ExecutionResult,
  ): Promise<ExecutionResult> {
    let groups = this.byEvent.get(event);
    if (!groups) this.byEvent.set(event, (groups = new Map()));
    let result = groups.get(key);
    if (result) {
      this.counts.reused++;
    } else {
      this.counts.executed++;
      result = Promise.resolve().then(execute);
      groups.set(key, result);
    }
    return result;
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
  /** The group key of a subscription whose source stream is open, or null: not shared. */
  keyOf(args: ExecutionArgs): string | null;
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
      return event ? executions.run(event, key!, run) : run();
    };
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        return { value: await executeFor(r.value), done: false };
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
