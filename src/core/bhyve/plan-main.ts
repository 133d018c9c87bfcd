/**
 * The hidden plan command bvirsh-monitor runs before every boot:
 *   node dist/src/core/bhyve/plan-main.js URI NAME
 * Prints the boot plan as NUL-separated tokens on stdout (plan.ts planTokens);
 * on error prints virsh-style `error: ...` lines on stderr (the monitor reports
 * them to whoever started the guest) and exits 1. Kept outside oclif so a boot
 * does not pay the CLI's start-up.
 */
import { isVirError } from '../errors';
import { parseURI } from '../uri';
import { realHost, simHost } from './host';
import { buildBootPlan, planTokens, recordBootedDefinition } from './plan';

function main(argv: string[]): number {
  const [uri, name] = argv;
  if (!uri || !name) {
    process.stderr.write('usage: plan-main URI NAME\n');
    return 2;
  }
  try {
    const u = parseURI(uri);
    const host = u.scheme === 'sim' ? simHost(u.path) : realHost();
    const tokens = planTokens(buildBootPlan(host, name));
    recordBootedDefinition(host, name); // the live definition until the next boot (a config edit waits for it)
    process.stdout.write(tokens);
    return 0;
  } catch (e) {
    if (isVirError(e)) {
      process.stderr.write([e.message, e.detail].filter(Boolean).map((l) => `error: ${l}\n`).join(''));
    } else {
      process.stderr.write(`error: ${(e as Error).message}\n`);
    }
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
