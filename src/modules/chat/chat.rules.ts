import { isSignedIn, type RuleMap } from '../../infra/permissions.js';

// Membership and authorship depend on the row, so the services check them (NOT_FOUND for
// non-members, FORBIDDEN for the rest); the rules here decide who may call at all.
export const chatRules: RuleMap = {
  Query: { conversation: isSignedIn, conversations: isSignedIn },
  Mutation: {
    startConversation: isSignedIn,
    leaveConversation: isSignedIn,
    sendMessage: isSignedIn,
    editMessage: isSignedIn,
    deleteMessage: isSignedIn,
    react: isSignedIn,
    markRead: isSignedIn,
    setTyping: isSignedIn,
    blockUser: isSignedIn,
    unblockUser: isSignedIn,
  },
  Subscription: { chatEvents: isSignedIn, inboxEvents: isSignedIn },
};
