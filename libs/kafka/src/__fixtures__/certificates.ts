import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throw-away certificate authority for tests, made with openssl at test time (so nothing
 * expires in the repository): a CA, and certificates it signs for a broker or a client. Used by
 * the unit tests of the security settings and by test/support/secure-kafka.ts for the local
 * SASL_SSL broker.
 */
export interface TestCertificateAuthority {
  /** PEM of the CA certificate. */
  caFile: string;
  issue(name: string, options: IssueOptions): IssuedCertificate;
}

export interface IssueOptions {
  commonName: string;
  /** subjectAltName entries, e.g. ['DNS:localhost', 'IP:127.0.0.1'] */
  altNames?: string[];
  extendedKeyUsage: 'serverAuth,clientAuth' | 'clientAuth';
  /**
   * Also write the key encrypted with this password (PKCS#8). `pbe: 'pkcs12-3des'` encrypts it the
   * old way, which Java reads; Java 17 cannot read openssl's default (PBES2), Node reads both.
   */
  keyPassword?: string;
  pbe?: 'pbes2' | 'pkcs12-3des';
  /** Days the certificate is valid (default 2). */
  days?: number;
}

export interface IssuedCertificate {
  certFile: string;
  /** Unencrypted PKCS#8 key. */
  keyFile: string;
  /** The key encrypted with `keyPassword`, when one was given. */
  encryptedKeyFile?: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the CA's key and self-signed certificate in `dir` (which must exist). */
export function createTestCertificateAuthority(dir: string): TestCertificateAuthority {
  const caFile = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '2',
    '-subj',
    '/CN=driftwatch-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  let serial = 1;
  return {
    caFile,
    issue(name, options) {
      const keyFile = join(dir, `${name}.key`);
      const certFile = join(dir, `${name}.pem`);
      const csr = join(dir, `${name}.csr`);
      const ext = join(dir, `${name}.ext`);
      openssl([
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        csr,
        '-subj',
        `/CN=${options.commonName}`,
      ]);
      const extensions = [
        `extendedKeyUsage=${options.extendedKeyUsage}`,
        'keyUsage=critical,digitalSignature,keyEncipherment',
      ];
      if (options.altNames?.length) extensions.push(`subjectAltName=${options.altNames.join(',')}`);
      writeFileSync(ext, `${extensions.join('\n')}\n`);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-set_serial',
        String(serial++),
        '-days',
        String(options.days ?? 2),
        '-extfile',
        ext,
        '-out',
        certFile,
      ]);
      if (options.keyPassword === undefined) return { certFile, keyFile };
      const encryptedKeyFile = join(dir, `${name}.encrypted.key`);
      const pbe = options.pbe === 'pkcs12-3des' ? ['-v1', 'PBE-SHA1-3DES'] : ['-v2', 'aes-256-cbc'];
      openssl([
        'pkcs8',
        '-topk8',
        '-in',
        keyFile,
        '-out',
        encryptedKeyFile,
        '-passout',
        `pass:${options.keyPassword}`,
        ...pbe,
      ]);
      return { certFile, keyFile, encryptedKeyFile };
    },
  };
}
