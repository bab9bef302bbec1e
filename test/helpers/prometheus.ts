import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { Logger } from '../../src/infra/logger.js';

/** One sample of a Prometheus text exposition: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape: every sample, and the `# TYPE` of every metric family. */
export interface Scrape {
  text: string;
  samples: Sample[];
  types: Map<string, string>;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the text format (version 0.0.4), failing on any line it does not understand. */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    const m = LINE.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) {
      labels[k!] = v!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { text, samples, types };
}

/** Sum of the samples of `name` whose labels include `labels` (0 when there is none). */
export function total(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** GETs a metrics endpoint and parses it, expecting 200 and Prometheus's content type. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(text);
}

/** A logger whose JSON lines are kept, raw and parsed; `next` waits for a matching line. */
export function capturingLogger() {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const added = new EventEmitter();
  const logger: Logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        raw.push(line);
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        added.emit('line', parsed);
      },
    },
  );
  return {
    logger,
    raw,
    lines,
    /** Resolves with the first line, logged already or from now on, that satisfies `wanted`. */
    next(wanted: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      const found = lines.find(wanted);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const listener = (line: Record<string, unknown>) => {
          if (!wanted(line)) return;
          added.off('line', listener);
          resolve(line);
        };
        added.on('line', listener);
      });
    },
  };
}
