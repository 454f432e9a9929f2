// The OCI distribution API for one repository on one registry: manifests, blobs (streamed, resumed with
// Range requests after a dropped connection), uploads (cross-repository mount first, then one monolithic
// PUT), tags and the catalog.
import {InvalidInputError} from '../errors';
import {log} from '../log';
import {MANIFEST_ACCEPT} from '../image/manifest';
import {RegistryTransport, RegistryUnavailableError, type Response} from './transport';

export class RegistryClient {
  constructor(readonly transport: RegistryTransport, readonly repository: string) {}

  private get pullScope(): string {
    return `repository:${this.repository}:pull`;
  }
  private get pushScope(): string {
    return `repository:${this.repository}:pull,push`;
  }

  /** Fetches a manifest by tag or digest: its exact bytes, media type and digest header. */
  async getManifest(reference: string): Promise<{bytes: Buffer; mediaType?: string; digest?: string}> {
    const res = await this.transport.request('GET', `/v2/${this.repository}/manifests/${reference}`, {
      headers: {accept: MANIFEST_ACCEPT}, scope: this.pullScope, what: `manifest ${this.repository}:${reference}`,
    });
    const bytes = await RegistryTransport.readBody(res, 4 * 1024 * 1024);
    return {bytes, mediaType: header(res, 'content-type'), digest: header(res, 'docker-content-digest')};
  }

  /**
   * Streams a blob. When the connection drops, the rest is asked for with a Range request (or, if the
   * registry ignores ranges, the bytes already seen are skipped), so the consumer sees one unbroken
   * stream and a half-extracted layer never has to start over.
   */
  async *blob(digest: string, size: number): AsyncGenerator<Buffer> {
    let offset = 0;
    let failures = 0;
    const path = `/v2/${this.repository}/blobs/${digest}`;
    while (offset < size || (offset === 0 && size === 0)) {
      const headers: Record<string, string> = offset > 0 ? {range: `bytes=${offset}-`} : {};
      const res = await this.transport.request('GET', path, {headers, scope: this.pullScope, what: `blob ${digest.slice(7, 19)}`});
      let skip = offset > 0 && res.status !== 206 ? offset : 0;
      try {
        for await (const c of res.body) {
          let chunk = c as Buffer;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            skip -= n;
            chunk = chunk.subarray(n);
            if (chunk.length === 0) continue;
          }
          offset += chunk.length;
          yield chunk;
        }
        if (offset >= size) return;
        throw Object.assign(new Error(`connection closed after ${offset} of ${size} bytes`), {code: 'ECONNRESET'});
      } catch (e) {
        res.body.destroy();
        const code = (e as NodeJS.ErrnoException).code ?? '';
        if (failures >= this.transport.opts.retries || !/ECONNRESET|ETIMEDOUT|EPIPE|ECONNABORTED|ERR_STREAM_PREMATURE_CLOSE/.test(code) && !/aborted/.test((e as Error).message)) {
          throw e instanceof Error && code ? new RegistryUnavailableError(`download of blob ${digest.slice(7, 19)} from ${this.transport.host} failed: ${(e as Error).message}`, {hint: 'check the network and pull again; completed layers are kept'}) : e;
        }
        failures++;
        log.info(`blob ${digest.slice(7, 19)}: ${(e as Error).message}; resuming at byte ${offset}`);
        await new Promise((r) => setTimeout(r, this.transport.opts.retryDelayMs * 2 ** (failures - 1)));
      }
      if (size === 0) return;
    }
  }

  async hasBlob(digest: string): Promise<boolean> {
    const res = await this.transport.request('HEAD', `/v2/${this.repository}/blobs/${digest}`, {scope: this.pullScope, accept: [404], what: `blob ${digest.slice(7, 19)}`});
    res.body.resume();
    return res.status === 200;
  }

  /**
   * Uploads a blob unless the registry has it. `from` names another repository on the same registry
   * that holds it, for a cross-repository mount (no bytes sent). Returns what happened.
   */
  async pushBlob(digest: string, size: number, open: () => NodeJS.ReadableStream, from?: string): Promise<'exists' | 'mounted' | 'uploaded'> {
    if (await this.hasBlob(digest)) return 'exists';
    let start = `/v2/${this.repository}/blobs/uploads/`;
    if (from && from !== this.repository) start += `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const init = await this.transport.request('POST', start, {scope: this.pushScope + (from && from !== this.repository ? ` repository:${from}:pull` : ''), body: Buffer.alloc(0), what: `upload of blob ${digest.slice(7, 19)}`});
    init.body.resume();
    if (init.status === 201) return 'mounted';
    const location = header(init, 'location');
    if (!location) throw new RegistryUnavailableError(`registry ${this.transport.host} started an upload without a Location`);
    const target = new URL(location, init.url);
    target.searchParams.set('digest', digest);
    const res = await this.transport.request('PUT', target.pathname + target.search, {
      scope: this.pushScope, body: open, contentLength: size, headers: {'content-type': 'application/octet-stream'}, what: `upload of blob ${digest.slice(7, 19)}`,
    });
    res.body.resume();
    return 'uploaded';
  }

  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.transport.request('PUT', `/v2/${this.repository}/manifests/${reference}`, {
      scope: this.pushScope, body: bytes, headers: {'content-type': mediaType}, what: `manifest ${this.repository}:${reference}`,
    });
    res.body.resume();
    return header(res, 'docker-content-digest');
  }

  async tags(): Promise<string[]> {
    const res = await this.transport.request('GET', `/v2/${this.repository}/tags/list`, {scope: this.pullScope, what: `tags of ${this.repository}`});
    const doc = parseJson(await RegistryTransport.readBody(res), 'tag list') as {tags?: string[] | null};
    return doc.tags ?? [];
  }
}

/** Repositories on a registry, through the catalog (which many public registries do not offer). */
export async function catalog(transport: RegistryTransport, limit: number): Promise<string[]> {
  const res = await transport.request('GET', `/v2/_catalog?n=${limit}`, {scope: 'registry:catalog:*', what: 'catalog', accept: [404]});
  if (res.status === 404) {
    res.body.resume();
    throw new InvalidInputError(`registry ${transport.host} does not offer a catalog to search`, {hint: 'search the registry\'s web site, or name the image directly'});
  }
  const doc = parseJson(await RegistryTransport.readBody(res), 'catalog') as {repositories?: string[]};
  return doc.repositories ?? [];
}

function header(res: Response, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString());
  } catch {
    throw new RegistryUnavailableError(`registry sent a ${what} that is not JSON`);
  }
}
