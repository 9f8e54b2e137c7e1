/**
 * Runs every benchmark in its own process (so peak memory figures are its own) and prints one JSON
 * line per benchmark. `npm run bench -- emulator` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .filter((name) => wanted.length === 0 || wanted.includes(name));

let failed = false;
for (const name of benches) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${name}.ts`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = res.stdout.toString().trim();
  if (res.status !== 0) {
    failed = true;
    console.error(`bench ${name} failed with exit code ${res.status}`);
  }
  if (out) console.log(out);
}
process.exitCode = failed ? 1 : 0;
