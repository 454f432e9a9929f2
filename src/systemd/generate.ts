// The engine side of `generate systemd`: the container's facts, the CLI's syntax of `run` (from the
// oclif manifest, so --new can find the image in a create command), and the units written with --files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {EngineContext} from '../engine/context';
import {VERSION} from '../runtime/container-manager';
import {generateUnit, type CreateSyntax, type GeneratedUnit, type UnitOptions} from './unit-generator';

const GLOBAL_VALUE_FLAGS = ['root', 'runroot', 'log-level', 'runtime', 'storage-driver'];

/** Which flags of `run` take a value, read from the manifest the CLI itself parses with. */
export function runSyntax(): CreateSyntax {
  const manifest = require('../../../oclif.manifest.json') as {commands: Record<string, {flags: Record<string, {type: string; char?: string}>}>};
  const flags = manifest.commands.run?.flags ?? {};
  const valueFlags = new Set<string>();
  const valueChars = new Set<string>();
  for (const [name, f] of Object.entries(flags)) {
    if (f.type !== 'option') continue;
    valueFlags.add(name);
    if (f.char) valueChars.add(f.char);
  }
  valueFlags.add('net');
  return {valueFlags, valueChars, globalValueFlags: new Set(GLOBAL_VALUE_FLAGS)};
}

export function burrowExecutable(): string {
  return path.resolve(__dirname, '../../../bin/burrow');
}

export function generateSystemd(ctx: EngineContext, ref: string, o: UnitOptions): GeneratedUnit {
  const v = ctx.containers.resolve(ref);
  const c = v.config;
  return generateUnit({
    id: c.id, name: c.name, stopTimeout: c.stopTimeout, createCommand: c.createCommand,
    conmonPidFile: path.join(ctx.containers.userdataDir(c.id), 'conmon.pid'), runroot: ctx.paths.runroot,
    storageArgs: ['--root', ctx.paths.root, '--runroot', ctx.paths.runroot],
  }, o, burrowExecutable(), runSyntax(), new Date(), VERSION);
}

/** --files: the unit is written into `dir` (atomically, replacing an older one); returns its path. */
export function writeUnitFile(dir: string, unit: GeneratedUnit): string {
  const file = path.resolve(dir, unit.name);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, unit.text, {mode: 0o644});
  fs.renameSync(tmp, file);
  return file;
}
