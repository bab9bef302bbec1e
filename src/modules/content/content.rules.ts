import { allow, isSignedIn, type RuleMap } from '../../infra/permissions.js';

// Ownership and visibility depend on the row, so the service checks them (FORBIDDEN or
// NOT_FOUND); the rules here decide who may call at all.
export const contentRules: RuleMap = {
  Query: { content: allow, contents: allow, searchContents: allow },
  Mutation: {
    createContent: isSignedIn,
    updateContent: isSignedIn,
    publishContent: isSignedIn,
    archiveContent: isSignedIn,
    deleteContent: isSignedIn,
    likeContent: isSignedIn,
    unlikeContent: isSignedIn,
    addComment: isSignedIn,
    deleteComment: isSignedIn,
  },
  // Both are authorised by the service at subscribe time and per event (see content-live.service.ts).
  Subscription: { contentPublished: allow, commentAdded: allow },
};
