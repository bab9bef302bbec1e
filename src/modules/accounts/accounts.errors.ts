/** `extensions.reason` values of the accounts feature. */
export enum AccountsReason {
  /** A sign-up refused without saying why (a registered email: its owner is not revealed). */
  SIGN_UP_REFUSED = 'SIGN_UP_REFUSED',
  HANDLE_TAKEN = 'HANDLE_TAKEN',
  WRONG_CREDENTIALS = 'WRONG_CREDENTIALS',
  TOKEN_INVALID = 'TOKEN_INVALID',
  TOKEN_EXPIRED = 'TOKEN_EXPIRED',
  ACCOUNT_GONE = 'ACCOUNT_GONE',
  ADMINS_ONLY = 'ADMINS_ONLY',
  OWN_ADMIN_ROLE = 'OWN_ADMIN_ROLE',
}
