import { getOperationAST } from 'graphql';
import { CloseCode, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';
import { ErrorCode } from '../errors.js';
import {
  CLOSED,
  noteErrors,
  startOperation,
  type Operation,
  type OperationObserver,
} from './operations.js';

/** What the observer reads of a connection's `extra` (src/ws.ts sets `viewerId`). */
interface ObservedExtra {
  request: { socket: { remoteAddress?: string } };
  viewerId?: string | null;
}

/** Wraps graphql-ws server options so that every operation is reported; see `observeGraphqlWs`. */
export type WsObserve = <P extends ConnectionInitMessage['payload'], E extends ObservedExtra>(
  options: ServerOptions<P, E>,
) => ServerOptions<P, E>;

/**
 * Returns a wrapper of graphql-ws options that reports every operation to `observer`: from
 * `onSubscribe` to the answer of a query or mutation, to a subscription's refusal, or to a
 * started subscription's `onComplete` (which graphql-ws also calls after an error or when
 * the socket closes). The wrapped hooks run first, and the errors read are those they
 * return: the codes the client is sent. An operation still unanswered when its socket closes
 * (before graphql-ws chose an operation: still parsing, or failed with 4500) ends then.
 */
export function observeGraphqlWs(observer: OperationObserver): WsObserve {
  return (options) => {
    const open = new WeakMap<object, Map<string, Operation>>();
    const opsOf = (ctx: object) => {
      let ops = open.get(ctx);
      if (!ops) open.set(ctx, (ops = new Map()));
      return ops;
    };
    const finish = (ctx: object, id: string) => {
      const op = open.get(ctx)?.get(id);
      if (!op) return;
      open.get(ctx)!.delete(id);
      if (op.streaming) observer.ended(op);
      else observer.answered(op);
    };
    return {
      ...options,
      async onSubscribe(ctx, id, payload) {
        opsOf(ctx).set(
          id,
          startOperation('ws', {
            name: payload.operationName ?? null,
            viewerId: ctx.extra.viewerId ?? null,
            clientAddress: ctx.extra.request.socket.remoteAddress ?? null,
          }),
        );
        return options.onSubscribe?.(ctx, id, payload);
      },
      async onOperation(ctx, id, payload, args, result) {
        const out = await options.onOperation?.(ctx, id, payload, args, result);
        const op = open.get(ctx)?.get(id);
        if (!op) return out;
        const ast = getOperationAST(args.document, args.operationName);
        op.name = ast?.name?.value ?? null;
        op.type = ast?.operation ?? null;
        const context = args.contextValue as {
          requestId?: string;
          viewer?: { id: string } | null;
          apiKey?: { prefix: string; organizationId: string } | null;
        };
        op.requestId = context?.requestId ?? null;
        op.viewerId = context?.viewer?.id ?? op.viewerId;
        op.apiKeyPrefix = context?.apiKey?.prefix ?? op.apiKeyPrefix;
        op.organizationId = context?.apiKey?.organizationId ?? op.organizationId;
        const value = out ?? result;
        if (op.type === 'subscription' && isAsyncIterable(value)) observer.subscribed(op);
        return out;
      },
      async onNext(ctx, id, payload, args, result) {
        const out = await options.onNext?.(ctx, id, payload, args, result);
        const op = open.get(ctx)?.get(id);
        if (op) {
          noteErrors(op, (out ?? result).errors);
          if (op.streaming) observer.delivered(op);
        }
        return out;
      },
      async onError(ctx, id, payload, errors) {
        const out = await options.onError?.(ctx, id, payload, errors);
        const op = open.get(ctx)?.get(id);
        if (op) noteErrors(op, out ?? errors.map((e) => e.toJSON()));
        finish(ctx, id);
        return out;
      },
      async onComplete(ctx, id, payload) {
        await options.onComplete?.(ctx, id, payload);
        finish(ctx, id);
      },
      async onClose(ctx, code, reason) {
        await options.onClose?.(ctx, code, reason);
        for (const [id, op] of open.get(ctx) ?? []) {
          if (op.type !== null) continue; // chosen: graphql-ws still completes it
          op.codes.push(code === CloseCode.InternalServerError ? ErrorCode.Internal : CLOSED);
          finish(ctx, id);
        }
      },
    };
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}
