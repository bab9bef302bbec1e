import { badInput } from '../../errors.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HANDLE = /^[a-z0-9_]{3,30}$/;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw badInput('email', 'is not a valid email address');
  return email;
}

export function validatePassword(password: string): string {
  if (password.length < 10) throw badInput('password', 'must be at least 10 characters');
  // argon2 cost does not grow with length, but parsing megabytes of password should not be free.
  if (password.length > 1000) throw badInput('password', 'must be at most 1000 characters');
  return password;
}

export function validateHandle(handle: string): string {
  if (!HANDLE.test(handle)) {
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
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badInput(field, 'must be an http(s) URL');
  if (value.length > maxLength) throw badInput(field, `must be at most ${maxLength} characters`);
  return value;
}
