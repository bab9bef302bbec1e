import { badInput } from '../../errors.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Lower-case letters, digits and _; 3 to 30 characters. */
export const HANDLE = /^[a-z0-9_]{3,30}$/;

/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_LENGTH = 254;
/** Of a new password. argon2 hashes the whole password first: its cost grows with length. */
export const MAX_PASSWORD_LENGTH = 256;
/** What logIn accepts: accounts made before the limit above may have passwords this long. */
export const MAX_LOGIN_PASSWORD_LENGTH = 1000;

/** Lower-cased and trimmed; the length is checked first, so the pattern never sees a long string. */
export function normalizeEmail(raw: string): string {
  if (raw.length > MAX_EMAIL_LENGTH * 2)
    throw badInput('email', `must be at most ${MAX_EMAIL_LENGTH} characters`);
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH)
    throw badInput('email', `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL.test(email)) throw badInput('email', 'is not a valid email address');
  return email;
}

/** A new password: 10 to 256 characters, not only whitespace. */
export function validatePassword(password: string): string {
  if (password.length < 10) throw badInput('password', 'must be at least 10 characters');
  if (password.length > MAX_PASSWORD_LENGTH)
    throw badInput('password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (!password.trim()) throw badInput('password', 'must not be only spaces');
  return password;
}

/** The password of a log-in: only bounded (the account's own rules were checked at sign-up). */
export function boundLoginPassword(password: string): string {
  if (password.length > MAX_LOGIN_PASSWORD_LENGTH)
    throw badInput('password', `must be at most ${MAX_LOGIN_PASSWORD_LENGTH} characters`);
  return password;
}

export function validateHandle(handle: string): string {
  if (handle.length > 30 || !HANDLE.test(handle)) {
    throw badInput('handle', 'must be 3 to 30 lower-case letters, digits or underscores');
  }
  return handle;
}

export function validateDisplayName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100)
    throw badInput('displayName', 'must be 1 to 100 characters');
  return name;
}

export function validateBio(raw: string | null | undefined): string | null {
  const bio = raw?.trim() ?? '';
  if (bio.length > 1000) throw badInput('bio', 'must be at most 1000 characters');
  return bio || null;
}

export function validateHttpUrl(field: string, raw: string, maxLength = 2048): string {
  const value = raw.trim();
  // Before parsing: the URL parser should not see megabytes.
  if (value.length > maxLength) throw badInput(field, `must be at most ${maxLength} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badInput(field, 'must be an http(s) URL');
  return value;
}
