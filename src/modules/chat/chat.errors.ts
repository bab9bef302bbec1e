/** `extensions.reason` values of the chat feature. */
export enum ChatReason {
  BLOCKED = 'BLOCKED',
  NOT_MESSAGE_AUTHOR = 'NOT_MESSAGE_AUTHOR',
  NOT_AUTHOR_OR_MODERATOR = 'NOT_AUTHOR_OR_MODERATOR',
  MESSAGE_DELETED = 'MESSAGE_DELETED',
  EMOJI_LIMIT = 'EMOJI_LIMIT',
}
