// Runs the chopsticks CLI (arguments passed through) in this process and
// exits as soon as stdin closes, so a Go test binary that dies, even by
// SIGKILL, never leaves a chain running. Used by tx/testenv/chopsticks.go.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
process.stdin.on('data', () => {});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

const require = createRequire(import.meta.url);
require(join(here, 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs'));
