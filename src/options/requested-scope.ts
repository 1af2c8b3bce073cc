/**
 * The `scope` a session asks for, checked before anything is sent: Deribit refuses, or silently ignores,
 * what it does not know, and a typo (`sesion:bot`) would quietly give a connection-scoped session.
 * @module
 */
import { InvalidArgumentError } from '../errors/errors.js';
import { nearest } from './nearest.js';

const LEVEL_AREAS = ['account', 'trade', 'wallet', 'block_trade', 'block_rfq', 'custody'];
const LEVELS = ['read', 'read_write', 'none'];
/** Every part's prefix Deribit documents (`name:` is the key name production adds: accepted when echoed back). */
const PREFIXES = ['session', 'expires', 'ip', 'name', ...LEVEL_AREAS];
const WORDS = ['connection', 'mainaccount'];

/** The parts a user could have meant, to suggest the nearest. */
const EXAMPLES = [
  ...WORDS,
  'session:NAME',
  'expires:SECONDS',
  'ip:ADDRESS',
  ...LEVEL_AREAS.flatMap((a) => LEVELS.map((l) => `${a}:${l}`)),
];

function refuse(part: string, why: string, guess: string | undefined): never {
  const advice = guess === undefined ? '' : `; did you mean ${guess}?`;
  throw new InvalidArgumentError('scope', `option scope: '${part}' ${why}${advice}`);
}

/** Throw {@link InvalidArgumentError} on the first part of `scope` Deribit does not know, suggesting the nearest. */
export function checkRequestedScope(scope: string): void {
  for (const part of scope.split(/\s+/)) {
    if (part === '' || WORDS.includes(part)) continue;
    const colon = part.indexOf(':');
    const prefix = colon < 0 ? part : part.slice(0, colon);
    const value = colon < 0 ? undefined : part.slice(colon + 1);
    if (!PREFIXES.includes(prefix)) {
      const guessPrefix = nearest(prefix, [...PREFIXES, ...WORDS]);
      const guess =
        guessPrefix === undefined
          ? nearest(part, EXAMPLES)
          : WORDS.includes(guessPrefix)
            ? guessPrefix
            : `${guessPrefix}:${value ?? '…'}`;
      refuse(part, 'is not a Deribit scope', guess);
    }
    if (value === undefined || value === '')
      refuse(part, `needs a value after '${prefix}:'`, prefix === 'session' ? 'session:NAME' : undefined);
    if (LEVEL_AREAS.includes(prefix) && !LEVELS.includes(value)) {
      refuse(
        part,
        `is not a level of ${prefix} (read, read_write or none)`,
        `${prefix}:${nearest(value, LEVELS) ?? 'read'}`,
      );
    }
    if (prefix === 'expires' && !/^[1-9]\d*$/.test(value))
      refuse(part, 'needs a whole number of seconds', undefined);
  }
}
