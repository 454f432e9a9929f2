// Per-registry TLS material from certs.d directories, found and interpreted as containers/image does:
// the first existing HOST[:PORT] directory wins; *.crt are extra CAs, *.cert + *.key a client pair.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {X509Certificate, createPrivateKey, type KeyObject} from 'node:crypto';
import {HostConfigError} from '../errors';

export interface TlsMaterial {
  /** extra CAs, to be added to (not to replace) the system roots */
  ca: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  /** which dir was used */
  dir?: string;
}

export interface CertOptions {
  env: NodeJS.ProcessEnv;
  home: string;
  rootless: boolean;
  /** --cert-dir: used as is, instead of the search */
  certDir?: string;
  /** the system certs.d bases; default /etc/containers/certs.d and /etc/docker/certs.d */
  etcDirs?: string[];
}

/** certs.d bases searched for HOST[:PORT], in order. */
export function certsDirs(opts: CertOptions): string[] {
  const bases: string[] = [];
  if (opts.rootless) bases.push(path.join(opts.env.XDG_CONFIG_HOME || path.join(opts.home, '.config'), 'containers', 'certs.d'));
  bases.push(...(opts.etcDirs ?? ['/etc/containers/certs.d', '/etc/docker/certs.d']));
  return bases;
}

function firstExisting(host: string, opts: CertOptions): string | undefined {
  for (const base of certsDirs(opts)) {
    const dir = path.join(base, host);
    try {
      fs.statSync(dir);
      return dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // An unreadable admin directory is skipped, as containers/image does, rather than failing every pull.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') continue;
      throw new HostConfigError(`cannot access certificate directory ${dir}: ${(e as Error).message}`, {hint: 'fix its permissions or remove it'});
    }
  }
  return undefined;
}

function bad(file: string, why: string): HostConfigError {
  return new HostConfigError(`${file}: ${why}`, {hint: 'fix or remove the file'});
}

function readFile(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    // A dangling link or a file removed since the listing is skipped.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HostConfigError(`cannot read ${file}: ${(e as Error).message}`, {hint: 'fix its permissions or remove it'});
  }
}

/** Checks the pair now so that a broken file is named here, not reported later as a vague TLS failure. */
function checkPair(certFile: string, cert: Buffer, keyFile: string, key: Buffer): void {
  let x509: X509Certificate;
  let priv: KeyObject;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw bad(certFile, `not a PEM certificate (${(e as Error).message})`);
  }
  try {
    priv = createPrivateKey(key);
  } catch (e) {
    throw bad(keyFile, `not a PEM private key (${(e as Error).message})`);
  }
  if (!x509.checkPrivateKey(priv)) throw bad(keyFile, `does not match the certificate ${path.basename(certFile)}`);
}

export function tlsMaterialFor(host: string, opts: CertOptions): TlsMaterial {
  const dir = opts.certDir ?? firstExisting(host, opts);
  if (!dir) return {ca: []};
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') return {ca: []};
    throw new HostConfigError(`cannot read certificate directory ${dir}: ${(e as Error).message}`, {hint: 'fix its permissions or remove it'});
  }
  const present = new Set(names);
  const material: TlsMaterial = {ca: [], dir};
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith('.crt')) {
      const data = readFile(file);
      if (data) material.ca.push(data);
    } else if (name.endsWith('.cert')) {
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!present.has(keyName)) throw bad(file, `client certificate has no matching ${keyName}; CA certificates must end in .crt`);
      // Node takes one client pair; the first by name is used, later pairs are still checked.
      const cert = readFile(file);
      const key = readFile(path.join(dir, keyName));
      if (!cert || !key) continue;
      checkPair(file, cert, path.join(dir, keyName), key);
      if (!material.cert) {
        material.cert = cert;
        material.key = key;
      }
    } else if (name.endsWith('.key')) {
      const certName = `${name.slice(0, -'.key'.length)}.cert`;
      if (!present.has(certName)) throw bad(file, `client key has no matching ${certName}`);
    }
  }
  return material;
}
