/**
 * `npm run test:antenna` starts here: without an Antenna to talk to it says what it needs and
 * exits non-zero, instead of letting every test fail on its own.
 */
import { missing, REQUIRED } from './env.ts';

const absent = missing();
if (absent.length > 0) {
  const lines = [
    'test:antenna runs the contract suite against a real Antenna API and needs:',
    ...Object.entries(REQUIRED).map(
      ([name, what]) =>
        `  ${name.padEnd(24)} ${what}${absent.includes(name) ? '   <- not set' : ''}`,
    ),
    'On this machine: eval "$(../shared/antenna/start.sh)" && npm run test:antenna',
    'Any other Antenna: set the variables above (README, "Contract suite against Antenna").',
  ];
  console.error(lines.join('\n'));
  process.exit(2);
}
