/** An export the user can fix (the message names the path or option). */
export class ExportError extends Error {
  override name = 'ExportError';
}
