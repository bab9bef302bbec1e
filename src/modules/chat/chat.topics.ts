/** Ephemeral: typing state is published to the conversation's members and never stored. */
export interface TypingEvent {
  type: 'typing';
  conversationId: string;
  userId: string;
  typing: boolean;
  at: string;
}

export type ChatEventPayload = TypingEvent;

/** Per-conversation channel (id: the conversation id). */
export const CHAT_EVENTS = 'chat.events';

declare module '../../infra/pubsub.js' {
  interface Topics {
    [CHAT_EVENTS]: ChatEventPayload;
  }
}
