/** An error in the command line itself (unknown option, bad value): reported without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
