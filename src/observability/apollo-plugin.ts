import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { noteErrors, startOperation, type OperationObserver } from './operations.js';

/**
 * Reports every HTTP operation to `observer` once its response is ready. List it after the
 * plugin that turns errors into client errors: it reports the codes the client is sent.
 * (A request whose context cannot be made, such as a bad token's 401, never reaches the
 * request pipeline, and so is neither counted nor logged here.)
 */
export function observabilityPlugin(observer: OperationObserver): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const op = startOperation('http', {
        name: request.operationName ?? null,
        requestId: contextValue.requestId,
        clientAddress: contextValue.clientAddress,
      });
      return {
        // Called only for a document that parsed and validated: the name is now a real one.
        // Without an operation (none of that name), Apollo refuses the request next.
        async didResolveOperation({ operation }) {
          if (!operation) return;
          op.name = operation.name?.value ?? null;
          op.type = operation.operation;
        },
        async willSendResponse({ response, contextValue: ctx }) {
          // signUp and logIn act as their new viewer: read it as the operation left it.
          op.viewerId = ctx.viewer?.id ?? null;
          op.apiKeyPrefix = ctx.apiKey?.prefix ?? null;
          op.organizationId = ctx.apiKey?.organizationId ?? null;
          if (response.body.kind === 'single') noteErrors(op, response.body.singleResult.errors);
          observer.answered(op);
        },
      };
    },
  };
}
