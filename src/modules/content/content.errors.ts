/** `extensions.reason` values of the content feature. */
export enum ContentReason {
  NOT_AUTHOR = 'NOT_AUTHOR',
  NOT_AUTHOR_OR_MODERATOR = 'NOT_AUTHOR_OR_MODERATOR',
  NOT_PUBLISHED = 'NOT_PUBLISHED',
  ALREADY_PUBLISHED = 'ALREADY_PUBLISHED',
}
