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
export { PresenceService } from './chat-presence.service.js';
export { memoryPresence, redisPresence, type PresenceStore } from './chat-presence.store.js';
export { ChatLiveService } from './chat-live.service.js';
export { ChatLiveResolver } from './chat-live.resolver.js';
export { CHAT_EVENTS, CHAT_INBOX, type ChatEventPayload } from './chat.topics.js';
export {
  ChatEvent,
  MessagePosted,
  MessageUpdated,
  PresenceChanged,
  ReadReceipt,
  TypingChanged,
} from './chat-events.types.js';
