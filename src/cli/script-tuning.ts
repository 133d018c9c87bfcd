/**
 * V8 tuning for a long script read from stdin, the one place where bvirsh
 * runs the same command path hundreds or thousands of times in one process.
 *
 * V8 optimises a function with TurboFan once it has run enough bytecode (its
 * "interrupt budget"). bvirsh's command path is a chain of large async
 * functions, and TurboFan takes 20-70 ms of CPU for each of them (seen with
 * --trace-opt: runCommand 67 ms, a command's run() 55 ms, the flag parser
 * 38 ms). A few hundred lines in, a script starts a dozen such jobs: a
 * 1000-line script then spends more CPU compiling than running, on a 2-core
 * machine the jobs take the core the script could use, and node waits for the
 * running ones before it exits. Sparkplug's baseline code (still on) runs the
 * path well enough, so the budget is raised: short scripts finish before any
 * optimising compile; long ones still get TurboFan, later.
 *
 * Measured on the 2-core development machine (NODE_EXTRA_CA_CERTS unset,
 * medians): 1000 × `dominfo test` 205 → 112 ms wall, 260 → 100 ms CPU;
 * a 10 000-line script 0.36-0.43 → 0.42-0.49 s (still 4× faster than virsh).
 *
 * Set while the script runs, not at start-up: V8 accepts the code cache only
 * under the flags it was made with (scripts/code-cache.js runs without
 * flags), V8 reads the budget each time it resets a function's, so a later
 * change applies; and loading node:v8 costs ~2 ms, which a short script
 * should not pay. The first optimising compile comes ~220 lines into a
 * `dominfo` script with the default budget, so the switch at line 100 is
 * in time.
 */

/** The line of a stdin script at which tuneV8ForLongScript() is called. */
export const LONG_SCRIPT_LINES = 100;

/** V8's default interrupt budget (V8 11.3, node 20) is 67 584 bytes of bytecode; ~15× it. */
const SCRIPT_INTERRUPT_BUDGET = 1_000_000;

export function tuneV8ForLongScript(): void {
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString(`--interrupt-budget=${SCRIPT_INTERRUPT_BUDGET}`);
}
