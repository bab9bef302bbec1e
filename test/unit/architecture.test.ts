import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import 'reflect-metadata';
import { features } from '../../src/features.js';

// Runs from dist/test/unit: the sources are three folders up.
const root = join(import.meta.dirname, '..', '..', '..');
const modules = join(root, 'src', 'modules');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const featureOf = (path: string) => relative(modules, path).split('/')[0]!;
const files = sources(modules).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('the shape of a feature', () => {
  it('should reach other features only through their index.ts, without cycles', () => {
    const edges = new Map<string, Set<string>>();
    for (const { path, text } of files) {
      const from = featureOf(path);
      for (const [, spec] of text.matchAll(/from '(\.\.\/[^']+)'/g)) {
        const target = join(path, '..', spec!);
        if (!target.startsWith(modules + '/')) continue;
        const to = featureOf(target);
        if (to === from) continue;
        assert.equal(
          relative(join(modules, to), target),
          'index.js',
          `${relative(root, path)} imports ${spec} instead of ${to}/index.js`,
        );
        (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (f: string, trail: string[]) => {
      assert.ok(
        !visiting.has(f),
        `features depend on each other in a cycle: ${[...trail, f].join(' -> ')}`,
      );
      if (done.has(f)) return;
      visiting.add(f);
      for (const to of edges.get(f) ?? []) visit(to, [...trail, f]);
      visiting.delete(f);
      done.add(f);
    };
    for (const f of edges.keys()) visit(f, []);
    assert.ok(edges.size >= 3, 'the import graph was read');
  });

  it("should read and write another feature's tables only through that feature", () => {
    // Each feature's tables and entity classes, from its *.entity.ts files.
    const owned = new Map<string, { tables: string[]; entities: string[] }>();
    for (const { path, text } of files.filter((f) => f.path.endsWith('.entity.ts'))) {
      const o = owned.get(featureOf(path)) ?? { tables: [], entities: [] };
      for (const [, t] of text.matchAll(/tableName: '(\w+)'/g)) o.tables.push(t!);
      for (const [, e] of text.matchAll(/@Entity\([^)]*\)[\s\S]*?export class (\w+)/g)) {
        o.entities.push(e!);
      }
      owned.set(featureOf(path), o);
    }
    assert.ok([...owned.values()].every((o) => o.tables.length && o.entities.length));
    const ORM =
      'find|findOne|findOneOrFail|findByCursor|count|nativeUpdate|nativeDelete|createQueryBuilder|merge|getReference|create|upsert';
    for (const { path, text } of files) {
      for (const [feature, o] of owned) {
        if (feature === featureOf(path)) continue;
        for (const table of o.tables) {
          assert.doesNotMatch(
            text,
            new RegExp(`\\b(from|into|update|join)\\s+${table}\\b`, 'i'),
            `${relative(root, path)} runs SQL on ${feature}'s table ${table}`,
          );
        }
        for (const entity of o.entities) {
          assert.doesNotMatch(
            text,
            new RegExp(`\\.(${ORM})\\(\\s*${entity}\\b`),
            `${relative(root, path)} queries ${feature}'s ${entity} directly`,
          );
        }
      }
    }
  });

  it('should leave per-event scopes and sign-in checks to the shared paths', () => {
    for (const { path, text } of files) {
      assert.doesNotMatch(text, /\brenew\(/, `${relative(root, path)} renews a scope by hand`);
      assert.doesNotMatch(text, /requireViewer/, `${relative(root, path)} repeats a sign-in rule`);
      assert.doesNotMatch(text, /mapEvents/, `${relative(root, path)} maps events outside live()`);
    }
  });

  it('should give each feature a descriptor, listed in src/features.ts', () => {
    const folders = readdirSync(modules).filter((f) => statSync(join(modules, f)).isDirectory());
    for (const f of folders) {
      const index = readFileSync(join(modules, f, 'index.ts'), 'utf8');
      assert.match(index, /defineFeature/, `${f}/index.ts exports no descriptor`);
    }
    assert.deepEqual(
      features.map((f) => f.name).sort(),
      [...folders].sort(),
      'src/features.ts lists every feature folder, once',
    );
  });
});
