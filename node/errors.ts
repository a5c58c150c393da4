/** A mistake in how the command was called (a flag, a combination of flags): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
