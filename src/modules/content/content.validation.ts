import { badInput } from '../../errors.js';
import { ContentKind, type MediaAsset } from './content.entity.js';
import type { MediaAssetInput } from './content.inputs.js';

export const LIMITS = {
  title: 200,
  body: 100_000,
  tags: 10,
  tagLength: 40,
  media: 20,
  comment: 10_000,
  /** Tags sent, before de-duplication: past it the list is refused before any work. */
  tagsSent: 100,
  url: 2048,
  /** RFC 6838: type and subtype of at most 127 characters each. */
  mimeType: 255,
} as const;

/**
 * Characters as the limits and PostgreSQL's varchar count them (code points), so an emoji
 * counts once, not as the two UTF-16 units of `String.length`.
 */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function validateTitle(raw: string): string {
  const title = raw.trim();
  const length = charCount(title);
  if (length < 1 || length > LIMITS.title) {
    throw badInput('title', `must be 1 to ${LIMITS.title} characters`);
  }
  return title;
}

export function validateBody(body: string): string {
  if (body.length > LIMITS.body && charCount(body) > LIMITS.body)
    throw badInput('body', `must be at most ${LIMITS.body} characters`);
  return body;
}

/** Trimmed, lower-cased, de-duplicated (first occurrence wins); empty tags are refused. */
export function normalizeTags(raw: readonly string[]): string[] {
  if (raw.length > LIMITS.tagsSent)
    throw badInput(
      'tags',
      `at most ${LIMITS.tags} tags (${LIMITS.tagsSent} before de-duplication)`,
    );
  const tags: string[] = [];
  for (const t of raw) {
    const tag = boundTag('tags', t);
    if (!tag) throw badInput('tags', 'must not contain empty tags');
    if (charCount(tag) > LIMITS.tagLength) {
      throw badInput('tags', `each tag must be at most ${LIMITS.tagLength} characters`);
    }
    if (!tags.includes(tag)) tags.push(tag);
    if (tags.length > LIMITS.tags) throw badInput('tags', `at most ${LIMITS.tags} tags`);
  }
  return tags;
}

/** A tag trimmed and lower-cased (a filter's too); refused when longer than a tag can be. */
export function boundTag(field: string, raw: string): string {
  // Past 4 UTF-16 units per allowed character, too long whatever the padding: not scanned.
  const tag = raw.length > LIMITS.tagLength * 4 ? null : raw.trim().toLowerCase();
  if (tag === null || charCount(tag) > LIMITS.tagLength) {
    throw badInput(field, `each tag must be at most ${LIMITS.tagLength} characters`);
  }
  return tag;
}

const MIME = /^[a-z]{1,127}\/[a-z0-9][a-z0-9.+-]{0,126}$/;
const expectedMime: Record<ContentKind, RegExp | null> = {
  [ContentKind.ARTICLE]: null,
  [ContentKind.IMAGE]: /^image\//,
  [ContentKind.VIDEO]: /^video\//,
};

const nonNegative = (field: string, v: number | null | undefined, integer: boolean) => {
  if (v === null || v === undefined) return null;
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw badInput(`media.${field}`, `must be a non-negative ${integer ? 'integer' : 'number'}`);
  }
  return v;
};

/**
 * http(s) URLs and well-formed mime types consistent with the kind: IMAGE content carries
 * image/* assets only, VIDEO video/* only; articles may carry any. (Publishing IMAGE or
 * VIDEO content also needs at least one asset: see `requirePublishableMedia`.)
 */
export function validateMedia(kind: ContentKind, media: readonly MediaAssetInput[]): MediaAsset[] {
  if (media.length > LIMITS.media) throw badInput('media', `at most ${LIMITS.media} assets`);
  const assets = media.map((m) => {
    if (m.url.length > LIMITS.url)
      throw badInput('media.url', `must be at most ${LIMITS.url} characters`);
    if (m.mimeType.length > LIMITS.mimeType)
      throw badInput('media.mimeType', `must be at most ${LIMITS.mimeType} characters`);
    let url: URL;
    try {
      url = new URL(m.url.trim());
    } catch {
      throw badInput('media.url', 'is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw badInput('media.url', 'must be an http(s) URL');
    }
    const mimeType = m.mimeType.trim().toLowerCase();
    if (!MIME.test(mimeType))
      throw badInput('media.mimeType', 'must be a type/subtype mime type (image/png)');
    return {
      url: url.toString(),
      mimeType,
      width: nonNegative('width', m.width, true),
      height: nonNegative('height', m.height, true),
      durationSeconds: nonNegative('durationSeconds', m.durationSeconds, false),
      sizeBytes: nonNegative('sizeBytes', m.sizeBytes, true),
    };
  });
  const expected = expectedMime[kind];
  if (expected) {
    const wrong = assets.find((a) => !expected.test(a.mimeType));
    if (wrong)
      throw badInput(
        'media.mimeType',
        `${kind} content needs ${expected.source.slice(1)}* media, not ${wrong.mimeType}`,
      );
  }
  return assets;
}

/** IMAGE and VIDEO content cannot be published, or stay published, without an asset. */
export function requirePublishableMedia(kind: ContentKind, media: readonly MediaAsset[]): void {
  if (kind !== ContentKind.ARTICLE && media.length === 0) {
    throw badInput('media', `${kind} content needs at least one asset to be published`);
  }
}

export function validateComment(raw: string): string {
  const body = raw.trim();
  const length = charCount(body);
  if (length < 1 || length > LIMITS.comment) {
    throw badInput('body', `must be 1 to ${LIMITS.comment} characters`);
  }
  return body;
}
