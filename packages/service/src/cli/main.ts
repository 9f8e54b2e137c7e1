import { emulator, emulatorUsage } from './commands/emulator.js';
import { hosts, hostsUsage } from './commands/hosts.js';
import { hunt, huntUsage } from './commands/hunt.js';
import { migrate, migrateUsage } from './commands/migrate.js';
import { isolate, isolateUsage, release, releaseUsage, scan, scanUsage } from './commands/response.js';
import { roles, rolesUsage } from './commands/roles.js';
import { start, startUsage } from './commands/start.js';
import { status, statusUsage } from './commands/status.js';
import { stitch, stitchUsage } from './commands/stitch.js';
import { sync, syncUsage } from './commands/sync.js';
import { tenant, tenantUsage } from './commands/tenant.js';
import { testConnection, testConnectionUsage } from './commands/test-connection.js';
import { tokens, tokensUsage } from './commands/tokens.js';
import { users, usersUsage } from './commands/users.js';
import { validate, validateUsage } from './commands/validate.js';
import { exitCodeFor, UsageError } from './errors.js';

const usage = `Usage: mde-bridge <command> [options]

Commands:
  start            run the bridge: REST API, web UI and sync scheduler (a demo tenant when none is configured)
  emulator         run a standalone Defender for Endpoint emulator
  tenant           add, list, show, remove, disable or enable a Defender tenant
  test-connection  check a tenant's credentials, permissions and licence
  migrate          bring the store's schema up to date
  sync             copy a tenant's devices, alerts, actions, vulnerabilities, software, scores into the store
  status           what the store holds per tenant and how its last syncs went
  hosts            look up a host's Defender context (hosts lookup)
  users            add, list, disable or enable users of the bridge; set a password
  roles            list the roles and what they grant
  tokens           create, list or revoke API tokens
  isolate          isolate a host (with --for, lock it down for a time)
  release          release a host from isolation
  scan             run an antivirus scan on a host
  hunt             run an advanced hunting query (KQL) on a tenant
  stitch           find the process on a host behind a network connection (EDR stitching)
  validate         ask whether Defender alerted on an actor host in a time window

Run 'mde-bridge <command> --help' for a command's options.
`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  start: { run: (argv) => start(argv), help: startUsage },
  emulator: { run: emulator, help: emulatorUsage },
  tenant: { run: tenant, help: tenantUsage },
  'test-connection': { run: testConnection, help: testConnectionUsage },
  migrate: { run: migrate, help: migrateUsage },
  sync: { run: (argv) => sync(argv), help: syncUsage },
  status: { run: (argv) => status(argv), help: statusUsage },
  hosts: { run: (argv) => hosts(argv), help: hostsUsage },
  users: { run: (argv) => users(argv), help: usersUsage },
  roles: { run: (argv) => roles(argv), help: rolesUsage },
  tokens: { run: (argv) => tokens(argv), help: tokensUsage },
  isolate: { run: (argv) => isolate(argv), help: isolateUsage },
  release: { run: (argv) => release(argv), help: releaseUsage },
  scan: { run: (argv) => scan(argv), help: scanUsage },
  hunt: { run: (argv) => hunt(argv), help: huntUsage },
  stitch: { run: (argv) => stitch(argv), help: stitchUsage },
  validate: { run: (argv) => validate(argv), help: validateUsage },
};

/** Runs one CLI invocation and returns its exit code; errors go to stderr without a stack trace. */
export async function main(argv: string[], err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    err.write(`mde-bridge: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    err.write(`mde-bridge ${name}: ${message}\n`);
    if (e instanceof UsageError) err.write(`\n${command.help}`);
    return exitCodeFor(e);
  }
}
