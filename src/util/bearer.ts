/** The one place a Bearer `Authorization` header is written (and, for the embedded targets, read). */

/** `{ authorization: 'Bearer KEY' }`, or `{}` without a key: spread into a request's headers. */
export function bearerHeader(key: string | null | undefined): { authorization?: string } {
  return key ? { authorization: `Bearer ${key}` } : {};
}
