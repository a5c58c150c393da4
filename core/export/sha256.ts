/** SHA-256 through WebCrypto (`crypto.subtle`), present in Node 20+ and every browser. */

/** Lower-case hex SHA-256 of `bytes` (copied first: digest wants an ArrayBuffer-backed view). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
