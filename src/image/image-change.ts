// `--change` instructions for import (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
// WORKDIR), applied to an image config the way Podman does: JSON arrays or shell form.
import {InvalidInputError} from '../errors';
import type {ImageRuntimeConfig} from '../storage/image-store';

/** The exec form of a Containerfile instruction (a JSON array of strings), or undefined. */
export function jsonStringArray(value: string): string[] | undefined {
  const t = value.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const arr = JSON.parse(t) as unknown;
    if (Array.isArray(arr) && arr.every((x) => typeof x === 'string')) return arr as string[];
  } catch {
    // not JSON: the caller's other form applies
  }
  return undefined;
}

function execForm(value: string): string[] {
  return jsonStringArray(value) ?? ['/bin/sh', '-c', value.trim()];
}

function keyValues(value: string): [string, string][] {
  const t = value.trim();
  if (!t.includes('=')) {
    const sp = t.indexOf(' ');
    return sp < 0 ? [[t, '']] : [[t.slice(0, sp), t.slice(sp + 1).trim()]];
  }
  // Words are split at blanks outside double quotes, so KEY="a b" stays one word.
  return (t.match(/(?:[^\s"]|"[^"]*")+/g) ?? []).map((kv): [string, string] => {
    const eq = kv.indexOf('=');
    if (eq < 1) throw new InvalidInputError(`"${kv}" is not KEY=VALUE`, {hint: 'write each variable as KEY=VALUE; quote values with spaces: KEY="a b"'});
    return [kv.slice(0, eq), kv.slice(eq + 1).replace(/^"(.*)"$/s, '$1')];
  });
}

export function applyChanges(config: ImageRuntimeConfig, changes: readonly string[]): ImageRuntimeConfig {
  const out: ImageRuntimeConfig = {...config};
  for (const change of changes) {
    const m = /^\s*(\w+)\s*[ =]\s*(.*)$/s.exec(change);
    if (!m) throw new InvalidInputError(`invalid change "${change}"`, {hint: 'use INSTRUCTION VALUE, e.g. --change CMD=/bin/sh or --change "ENV A=1"'});
    const [, instr, value] = m;
    switch (instr.toUpperCase()) {
      case 'CMD':
        out.Cmd = execForm(value);
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = execForm(value);
        break;
      case 'ENV': {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of keyValues(value)) {
          const i = env.findIndex((e) => e.startsWith(`${k}=`));
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        out.Env = env;
        break;
      }
      case 'LABEL':
        out.Labels = {...(out.Labels ?? {}), ...Object.fromEntries(keyValues(value))};
        break;
      case 'EXPOSE':
        out.ExposedPorts = {...(out.ExposedPorts ?? {}), ...Object.fromEntries(value.trim().split(/\s+/).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}]))};
        break;
      case 'VOLUME':
        out.Volumes = {...(out.Volumes ?? {}), ...Object.fromEntries(execForm(value)[0] === '/bin/sh' ? value.trim().split(/\s+/).map((v) => [v, {}]) : execForm(value).map((v) => [v, {}]))};
        break;
      case 'USER':
        out.User = value.trim();
        break;
      case 'WORKDIR':
        out.WorkingDir = value.trim();
        break;
      case 'STOPSIGNAL':
        out.StopSignal = value.trim();
        break;
      default:
        throw new InvalidInputError(`invalid change instruction "${instr}"`, {hint: 'supported: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR'});
    }
  }
  return out;
}
