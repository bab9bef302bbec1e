export { Conversation, ConversationKind } from './conversation.entity.js';
export { ConversationMember } from './conversation-member.entity.js';
export { Message } from './message.entity.js';
export { Reaction } from './reaction.entity.js';
export { Block } from './block.entity.js';
export { MessageCipher, type ChatKey } from './chat.crypto.js';
export type { ChatDeps, ChatRateLimits } from './chat.reader.js';
export { ConversationService } from './conversation.service.js';
export { MessageService } from './message.service.js';
export { createChatLoaders, type ChatLoaders } from './chat.loaders.js';
export { chatRules } from './chat.rules.js';
export { ConversationResolver } from './conversation.resolver.js';
export { ConversationMemberResolver } from './member.resolver.js';
export { MessageResolver } from './message.resolver.js';
export { CHAT_EVENTS, type ChatEventPayload } from './chat.topics.js';
export {
  chatEventTypes,
  MessagePosted,
  MessageUpdated,
  PresenceChanged,
  ReadReceipt,
  TypingChanged,
  withChatEventUnion,
} from './chat-events.types.js';
