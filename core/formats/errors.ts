/**
 * The one error type every reader in core/formats throws for bad bytes. The message always
 * names the file (or stream) and, when known, the byte offset and what was wrong, so a user
 * can find the damage without a debugger.
 */
export class FormatError extends Error {
  override name = 'FormatError';
  /** File name or stream description given by the caller. */
  readonly source: string;
  /** Byte offset where the problem was found, or undefined when it is not a position. */
  readonly offset: number | undefined;

  constructor(source: string, problem: string, offset?: number) {
    super(offset === undefined ? `${source}: ${problem}` : `${source}: ${problem} (at byte ${offset})`);
    this.source = source;
    this.offset = offset;
  }
}
