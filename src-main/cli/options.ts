// Parsers for command-line option values, with errors that name the option and say what is expected.
import { InvalidArgumentError } from 'commander';
import { ENGINE_MAX_THREADS } from '../../src-shared/domain/runs';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}".`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be an integer ≥ 0, got "${value}".`);
    return n;
  };
}

/** `--threads <n>`: the native backend's CPU threads, 1 to ENGINE_MAX_THREADS (all cores when the flag is left out). */
export function threadCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > ENGINE_MAX_THREADS) {
    throw new InvalidArgumentError(`--threads must be an integer from 1 to ${ENGINE_MAX_THREADS}, got "${value}".`);
  }
  return n;
}

export const THREADS_HELP = 'CPU threads of the native backend (its pool and OpenBLAS); all cores by default';

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${allowed.join(', ')}, got "${value}".`);
    }
    return value as T;
  };
}
