/** `extensions.reason` values of the metrics feature. */
export enum MetricsReason {
  NOT_CONTENT_AUTHOR = 'NOT_CONTENT_AUTHOR',
  ADMINS_ONLY = 'ADMINS_ONLY',
  CLIENT_ID_REQUIRED = 'CLIENT_ID_REQUIRED',
}
