/** `extensions.reason` values of the content feature. */
export enum ContentReason {
  NOT_AUTHOR = 'NOT_AUTHOR',
  NOT_AUTHOR_OR_MODERATOR = 'NOT_AUTHOR_OR_MODERATOR',
  NOT_PUBLISHED = 'NOT_PUBLISHED',
  ALREADY_PUBLISHED = 'ALREADY_PUBLISHED',
  /** The body is for members (or signed-in users): the viewer has no access to it. */
  MEMBERS_ONLY = 'MEMBERS_ONLY',
  /** Visibility TIERS without tiers. */
  TIERS_REQUIRED = 'TIERS_REQUIRED',
  /** tierIds given with a visibility other than TIERS. */
  TIERS_NOT_EXPECTED = 'TIERS_NOT_EXPECTED',
}
