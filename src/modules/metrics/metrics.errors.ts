/** `extensions.reason` values of the metrics feature. */
export enum MetricsReason {
  NOT_CONTENT_AUTHOR = 'NOT_CONTENT_AUTHOR',
  ADMINS_ONLY = 'ADMINS_ONLY',
  CLIENT_ID_REQUIRED = 'CLIENT_ID_REQUIRED',
  /** A VIEW or SHARE past the per-address, per-content limit (in `TrackResult.rejected`). */
  PER_CONTENT_LIMIT = 'PER_CONTENT_LIMIT',
}
