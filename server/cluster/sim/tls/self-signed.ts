import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bitString, bool, explicit, implicit, integer, octets, oid, seq, set, time, utf8 } from './der';

export interface SelfSigned {
  /** PEM certificate (also the CA clients trust). */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

/**
 * A self-signed ECDSA P-256 certificate for 127.0.0.1/localhost, made with node:crypto alone.
 * The simulator serves HTTPS because kubectl (client-go) only sends bearer tokens over TLS; the
 * kubeconfig carries this certificate as `certificate-authority-data`.
 */
export function selfSignedCertificate(commonName = 'neuroweaver-sim', days = 3650): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const now = Date.now();
  const algorithm = seq(oid(ECDSA_SHA256));
  const extensions = seq(
    seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true)))),
    // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, two unused bits.
    seq(oid('2.5.29.15'), bool(true), octets(bitString(Buffer.from([0x84]), 2))),
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))),
    seq(oid('2.5.29.17'), octets(seq(implicit(2, Buffer.from('localhost')), implicit(7, Buffer.from([127, 0, 0, 1]))))),
  );
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    name,
    seq(time(new Date(now - 3_600_000)), time(new Date(now + days * 86_400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, bitString(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  if (!new X509Certificate(cert).verify(publicKey)) throw new Error('generated certificate does not verify');
  return { cert, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
