import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = process.cwd();

/** The environment of a child npm: none of our own npm's settings, and no registry to reach. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')),
  );
  // Offline, and a registry nobody listens on: a package missing from the tarballs fails
  // the install instead of being downloaded.
  return { ...env, npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/' };
}

export const npm = (args: string[], cwd: string) =>
  run('npm', ['--no-audit', '--no-fund', '--no-update-notifier', ...args], {
    cwd,
    env: offlineEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });

export interface Packed {
  dir: string;
  tarball: string;
  files: string[];
  deps: string[];
}

/**
 * `npm pack` of sdk/ (its prepack builds dist) into a fresh temporary folder, and of its
 * dependencies from our node_modules (graphql-ws's own prepack needs its repository:
 * scripts off), so an empty project can install all of them with no registry.
 */
export async function packSdk(): Promise<Packed> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-sdk-pack-'));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', dir, './sdk'], root);
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const deps = join(dir, 'deps');
  mkdirSync(deps);
  const modules = ['graphql', 'graphql-ws'].map((m) => resolve(root, 'node_modules', m));
  const packedDeps = await npm(
    ['pack', '--json', '--ignore-scripts', '--pack-destination', deps, ...modules],
    root,
  );
  return {
    dir,
    tarball: join(dir, info!.filename),
    files: info!.files.map((f) => f.path),
    deps: (JSON.parse(packedDeps.stdout) as { filename: string }[]).map((d) =>
      join(deps, d.filename),
    ),
  };
}

/** An empty project in `packed.dir` with the tarballs installed, offline. */
export async function emptyProject(packed: Packed, name: string): Promise<string> {
  const app = join(packed.dir, name);
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: `partner-${name}`, private: true, type: 'module' }),
  );
  await npm(['install', '--offline', '--ignore-scripts', packed.tarball, ...packed.deps], app);
  // Strict, and no skipLibCheck: the package's own declarations are checked too.
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: [],
        strict: true,
        outDir: 'out',
      },
      include: ['main.ts'],
    }),
  );
  return app;
}

/** Type-checks and compiles the project with our own TypeScript (none is installed there). */
export const compile = (app: string) =>
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: app });

export const runNode = (app: string, file: string) =>
  run(process.execPath, [file], { cwd: app, timeout: 30_000 });
