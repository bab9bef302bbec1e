import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';
import { ApiScope, scoped } from '../../infra/api-scopes.js';

// Ownership and visibility depend on the row, so the service checks them (FORBIDDEN or
// NOT_FOUND); the rules here decide who may call at all.
export const contentRules: RuleMap = {
  Query: {
    content: scoped(ApiScope.CONTENT_READ, allow),
    contents: scoped(ApiScope.CONTENT_READ, allow),
    searchContents: scoped(ApiScope.CONTENT_READ, allow),
  },
  Mutation: {
    createContent: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    updateContent: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    publishContent: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    archiveContent: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    deleteContent: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    likeContent: isSignedIn,
    unlikeContent: isSignedIn,
    addComment: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
    deleteComment: scoped(ApiScope.CONTENT_WRITE, isSignedIn),
  },
  // Both are authorised by the service at subscribe time and per event (see content-live.service.ts).
  Subscription: {
    contentPublished: scoped(ApiScope.CONTENT_READ, allow),
    commentAdded: scoped(ApiScope.CONTENT_READ, allow),
  },
};
