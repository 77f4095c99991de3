/**
 * A TLS verification failure as one actionable line: what is wrong with the certificate and the
 * option that fixes it (`--ca FILE`, `--insecure`, `--servername`). Other errors: undefined.
 */
import { errorCode } from './classify.ts';

const CAUSES: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate signed by an unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate signed by an unknown authority',
  CERT_UNTRUSTED: 'untrusted certificate',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
};

export function describeCertificateError(error: Error): string | undefined {
  const code = errorCode(error);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `certificate does not name this host (${error.message.split('\n')[0]}); use --servername NAME or --insecure`;
  }
  const cause = CAUSES[code];
  return cause === undefined ? undefined : `${cause}; use --ca FILE or --insecure`;
}
