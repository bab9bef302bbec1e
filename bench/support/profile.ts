import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** Starts the V8 CPU profiler in this process; `stop(path)` writes a `.cpuprofile`. */
export async function startProfile(): Promise<{ stop: (path: string) => Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
