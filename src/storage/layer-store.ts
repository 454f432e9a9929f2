// Extracted layers (layers/<diffid hex>/diff), each a plain directory tree that overlay stacks. A layer
// is extracted into a temp directory inside the user namespace (so ownership is real) and renamed into
// place only when complete: a crash leaves an `.incoming-*` directory that a later sweep removes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {randomBytes} from 'node:crypto';
import type {Writable} from 'node:stream';
import {BurrowError, HostConfigError} from '../errors';
import type {PrivilegedExec} from '../../rootless/privileged';
import * as runner from '../process/runner';
import {readJson, writeJsonAtomic} from './atomic-file';
import {entriesOfDeadWriters} from './dead-writers';
import type {LayerSummary} from '../image/tar/layer-sanitizer';

export interface LayerRecord {
  diffId: string;
  size: number;
  entries: number;
  skipped: {path: string; reason: string}[];
  created: string;
}

export interface ExtractOptions {
  /** the layer has no parent (its whiteouts are dropped) */
  baseLayer: boolean;
  /** throws to refuse the layer once its digests are known; the partial tree is deleted */
  verify?: (summary: LayerSummary) => void;
}

export class LayerStore {
  readonly dir: string;
  constructor(root: string, private readonly priv: PrivilegedExec) {
    this.dir = path.join(root, 'layers');
  }

  diffDir(diffId: string): string {
    return path.join(this.dir, hexOf(diffId), 'diff');
  }

  has(diffId: string): boolean {
    return fs.existsSync(path.join(this.dir, hexOf(diffId), 'layer.json'));
  }

  get(diffId: string): LayerRecord | undefined {
    return readJson<LayerRecord>(path.join(this.dir, hexOf(diffId), 'layer.json'));
  }

  /**
   * Checks and extracts a layer stream. The sanitizer re-serializes every entry it accepts, so GNU tar
   * (run as namespaced root for real ownership and xattrs) only ever sees checked input.
   */
  async extract(source: AsyncIterable<Buffer>, opts: ExtractOptions = {baseLayer: false}): Promise<LayerRecord> {
    fs.mkdirSync(this.dir, {recursive: true});
    const tmp = path.join(this.dir, `.incoming-${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.mkdirSync(path.join(tmp, 'diff'), {recursive: true});
    try {
      const summary = await this.untarChecked(source, path.join(tmp, 'diff'), {baseLayer: opts.baseLayer});
      // Digests are known only at the end of the stream: nothing becomes visible before they are checked.
      opts.verify?.(summary);
      const rec: LayerRecord = {diffId: summary.diffId, size: summary.uncompressedSize, entries: summary.entries, skipped: summary.skipped, created: new Date().toISOString()};
      writeJsonAtomic(path.join(tmp, 'layer.json'), rec);
      const final = path.join(this.dir, hexOf(rec.diffId));
      try {
        fs.renameSync(tmp, final);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        // Another process extracted the same layer first; theirs is as good as ours.
        await this.removeTree(tmp);
      }
      return rec;
    } catch (e) {
      await this.removeTree(tmp).catch(() => undefined);
      throw e;
    }
  }

  /**
   * The checked extraction path, also used for `volume import`: `dest` must be a new empty directory (the
   * sanitizer's symlink rules assume nothing else is there). Whiteouts default to overlay's form.
   */
  async untarChecked(source: AsyncIterable<Buffer>, dest: string, o: {baseLayer: boolean; whiteouts?: 'keep'}): Promise<LayerSummary> {
    const baseLayer = o.baseLayer;
    const argv = await this.priv.wrap(['tar', '-x', '-f', '-', '-C', dest, '--numeric-owner', '--same-owner', '--same-permissions',
      '--xattrs', '--xattrs-include=*', '--delay-directory-restore']);
    const child = runner.start(argv, {stdio: ['pipe', 'ignore', 'pipe'], env: this.priv.childEnv()});
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
    const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({code, signal}));
    });
    // A tar that dies early closes its stdin; the resulting EPIPE is reported through its exit status.
    child.stdin!.on('error', () => undefined);
    let summary: LayerSummary;
    try {
      const {sanitizeLayer} = require('../image/tar/layer-sanitizer') as typeof import('../image/tar/layer-sanitizer');
      summary = await sanitizeLayer(source, child.stdin as Writable, {whiteouts: o.whiteouts ?? (this.priv.rootless ? 'overlay-user' : 'overlay-trusted'), baseLayer});
    } catch (e) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
      throw e;
    }
    const {code, signal} = await exited;
    if (code !== 0) {
      const text = Buffer.concat(stderr).toString();
      if (/Invalid argument|Cannot change ownership/.test(text)) {
        throw new HostConfigError(`layer has files owned by ids outside your subordinate range: ${lastLine(text)}`,
          {hint: 'ask for a larger range in /etc/subuid and /etc/subgid (65536 ids is usual), then run `burrow system migrate`'});
      }
      throw runner.failure(['tar', '-x'], code, signal, text);
    }
    return summary;
  }

  /** Deletes a layer; the rename first makes it vanish at once for readers. */
  async remove(diffId: string): Promise<void> {
    const dir = path.join(this.dir, hexOf(diffId));
    if (!fs.existsSync(dir)) return;
    const doomed = path.join(this.dir, `.removing-${process.pid}-${randomBytes(6).toString('hex')}`);
    fs.renameSync(dir, doomed);
    await this.removeTree(doomed);
  }

  /** Files inside belong to subordinate ids, so only namespaced root can delete them. */
  async removeTree(dir: string): Promise<void> {
    await this.priv.run(['rm', '-rf', '--one-file-system', '--', dir]);
  }

  /** Removes what processes that died mid-extraction or mid-removal left behind. */
  async sweep(isAlive: (pid: number) => boolean): Promise<void> {
    for (const dir of entriesOfDeadWriters(this.dir, /^\.(?:incoming|removing)-(\d+)-/, isAlive)) {
      // A killed writer's tar may still be draining into the directory for a moment: a failed sweep is
      // left to the next writer rather than failing this command.
      await this.removeTree(dir).catch(() => undefined);
    }
  }
}

function hexOf(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new BurrowError(`invalid layer digest ${digest}`);
  return hex;
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}
