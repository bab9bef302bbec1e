import { badInput } from '../../errors.js';

export const CHAT_LIMITS = {
  body: 4000,
  title: 100,
  groupMembers: 100,
  clientMessageId: 100,
  emojisPerMessage: 20,
  history: 100,
} as const;

function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function validateMessageBody(raw: string, field = 'body'): string {
  const body = raw.trim();
  const length = charCount(body);
  if (length < 1 || length > CHAT_LIMITS.body) {
    throw badInput(field, `must be 1 to ${CHAT_LIMITS.body} characters`);
  }
  return body;
}

/** Trimmed; empty means no title. */
export function validateTitle(raw: string | null | undefined): string | null {
  const title = raw?.trim() ?? '';
  if (charCount(title) > CHAT_LIMITS.title) {
    throw badInput('title', `must be at most ${CHAT_LIMITS.title} characters`);
  }
  return title || null;
}

export function validateClientMessageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length < 1 || raw.length > CHAT_LIMITS.clientMessageId) {
    throw badInput('clientMessageId', `must be 1 to ${CHAT_LIMITS.clientMessageId} characters`);
  }
  return raw;
}

// One pictographic emoji, optionally with a variation selector, skin-tone modifiers and
// zero-width-joined parts (👍, ❤️, 👍🏽, 👩‍💻), or one flag (two regional indicators).
const EMOJI =
  /^(?:\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?(?:\u200D\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?)*|\p{Regional_Indicator}{2})$/u;

export function validateEmoji(raw: string): string {
  if (raw.length > 32 || !EMOJI.test(raw)) throw badInput('emoji', 'must be a single emoji');
  return raw;
}

/**
 * Message cursors: the message's sequence number, zero-padded so that cursors compare as
 * strings in the order of the messages.
 */
const SEQ_DIGITS = 12;

export function messageCursor(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, '0');
}

export function parseMessageCursor(cursor: string, field: string): number {
  const seq = /^\d{12}$/.test(cursor) ? Number(cursor) : 0;
  if (seq < 1) throw badInput(field, 'is not a valid message cursor');
  return seq;
}
