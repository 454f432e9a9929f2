// Shell completion as a user meets it: real bash (with bash-completion), zsh (compinit, driven through a
// pseudo-terminal) and fish asked to complete partial commands, flags, flag values and live names —
// running containers for stop/exec, all for rm, stopped ones for start, images, networks, volumes.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bin, burrow, ensureDemoImage, env, ok, repo, runRoot, sleep, until, work} from './harness';

const completions = path.join(repo, 'completions');
// The scripts call `burrow` from the PATH, as an installed one is.
const binDir = path.join(work, 'completion-bin');
const shellEnv = (): NodeJS.ProcessEnv => ({...env, PATH: `${binDir}:${env.PATH}`, HOME: work});
const have = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const lines = (s: string) => s.split('\n').map((l) => l.split('\t')[0].trim()).filter(Boolean).sort();

function bashComplete(line: string): string[] {
  const script = `
    [ -r /usr/share/bash-completion/bash_completion ] && source /usr/share/bash-completion/bash_completion
    source ${JSON.stringify(path.join(completions, 'burrow.bash'))}
    COMP_LINE=$1; COMP_POINT=\${#COMP_LINE}
    read -r -a COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
    COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
    _burrow
    printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script, 'complete', line], {env: shellEnv(), encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`bash completion of "${line}" failed: ${r.stderr}`);
  return lines(r.stdout);
}

function fishComplete(line: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${path.join(completions, 'burrow.fish')}; complete -C ${JSON.stringify(line)}`], {env: shellEnv(), encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`fish completion of "${line}" failed: ${r.stderr}`);
  return lines(r.stdout);
}

/** zsh's own completion system: the line is typed into an interactive zsh and TAB pressed. */
async function zshComplete(line: string): Promise<string> {
  const {spawn: spawnPty} = require('@lydell/node-pty') as typeof import('@lydell/node-pty');
  const t = spawnPty('zsh', ['-f'], {cols: 200, rows: 30, cwd: work, env: {...shellEnv(), PS1: 'ZSH> '} as Record<string, string>});
  let out = '';
  t.onData((d) => (out += d));
  try {
    t.write(`fpath=(${completions} $fpath); autoload -U compinit; compinit -u; print READY\r`);
    if (!(await until(() => /READY\r?\n/.test(out)))) throw new Error(`zsh did not start: ${out}`);
    out = '';
    t.write(`${line}\t`);
    await sleep(1500);
    // Listings come after the line; strip terminal control sequences to read the words.
    return out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ' ').replace(/[\x07\b\r]/g, ' ');
  } finally {
    t.kill();
  }
}

describe('completions: bash, zsh and fish against live containers', function () {
  this.timeout(120_000);
  let line: string;

  before(function () {
    for (const shell of ['bash', 'zsh', 'fish']) {
      if (!have(shell)) throw new Error(`${shell} is not installed: the set-up (scripts/setup.sh) installs it`);
    }
    ensureDemoImage();
    fs.mkdirSync(binDir, {recursive: true});
    fs.symlinkSync(bin, path.join(binDir, 'burrow'));
    ok(['run', '-d', '--name', 'alpha-run', 'localhost/demo', 'sleep', '600']);
    ok(['run', '-d', '--name', 'beta-run', 'localhost/demo', 'sleep', '600']);
    ok(['create', '--name', 'gamma-idle', 'localhost/demo', 'true']);
    ok(['network', 'create', 'cmp-net']);
    ok(['volume', 'create', 'cmp-vol']);
    // The test's storage is private: the scripts pass --runroot on to `burrow __complete`.
    line = `burrow --runroot ${runRoot}`;
  });

  after(() => {
    burrow(['rm', '-f', 'alpha-run', 'beta-run', 'gamma-idle']);
    burrow(['network', 'rm', 'cmp-net']);
    burrow(['volume', 'rm', 'cmp-vol']);
  });

  it('__complete answers from storage: running, stopped and all containers, images, networks, volumes', () => {
    const ask = (kind: string) => lines(ok(['__complete', kind, '--runroot', runRoot], {runroot: null}));
    expect(ask('running')).to.deep.equal(['alpha-run', 'beta-run']);
    expect(ask('stopped')).to.deep.equal(['gamma-idle']);
    expect(ask('containers')).to.deep.equal(['alpha-run', 'beta-run', 'gamma-idle']);
    expect(ask('images')).to.include('localhost/demo:latest');
    expect(ask('networks')).to.include.members(['podman', 'cmp-net']);
    expect(ask('volumes')).to.deep.equal(['cmp-vol']);
    const bad = burrow(['__complete', 'nonsense'], {runroot: null});
    expect(bad.status).to.equal(2);
  });

  it('bash: commands, flags, flag values and live names', () => {
    expect(bashComplete(`${line} sto`)).to.deep.equal(['stop']);
    expect(bashComplete(`${line} stop `)).to.deep.equal(['alpha-run', 'beta-run']);
    expect(bashComplete(`${line} exec `)).to.deep.equal(['alpha-run', 'beta-run']);
    expect(bashComplete(`${line} rm `)).to.deep.equal(['alpha-run', 'beta-run', 'gamma-idle']);
    expect(bashComplete(`${line} start `)).to.deep.equal(['gamma-idle']);
    expect(bashComplete(`${line} run --network `)).to.include.members(['cmp-net', 'podman', 'none', 'host', 'pasta']);
    expect(bashComplete(`${line} run localhost/de`)).to.deep.equal(['localhost/demo:latest']);
    expect(bashComplete(`${line} run --detach-k`)).to.deep.equal(['--detach-keys']);
    expect(bashComplete(`${line} volume rm `)).to.deep.equal(['cmp-vol']);
    expect(bashComplete(`${line} network `)).to.include.members(['create', 'ls', 'rm', 'connect']);
    expect(bashComplete('burrow --log-level ')).to.deep.equal(['debug', 'error', 'info', 'warn']);
    expect(bashComplete('burrow ps --format {{.Na')).to.deep.equal(['{{.Names}}']);
  });

  it('fish: the same answers', () => {
    expect(fishComplete(`${line} stop `)).to.deep.equal(['alpha-run', 'beta-run']);
    expect(fishComplete(`${line} rm `)).to.deep.equal(['alpha-run', 'beta-run', 'gamma-idle']);
    expect(fishComplete(`${line} start `)).to.deep.equal(['gamma-idle']);
    expect(fishComplete('burrow sto')).to.deep.equal(['stop']);
    expect(fishComplete(`${line} run --network `)).to.include.members(['cmp-net', 'podman', 'none']);
    expect(fishComplete('burrow completion ')).to.deep.equal(['bash', 'fish', 'zsh']);
  });

  it('zsh: TAB after `stop` lists exactly the running containers', async () => {
    const stop = await zshComplete(`${line} stop `);
    expect(stop).to.match(/\balpha-run\b/);
    expect(stop).to.match(/\bbeta-run\b/);
    expect(stop).to.not.contain('gamma-idle');
    const start = await zshComplete(`${line} start `);
    // One candidate: zsh puts it on the line.
    expect(start).to.contain('gamma-idle');
    expect(start).to.not.contain('alpha-run');
  });

  it('`burrow completion SHELL` prints the installed scripts', () => {
    expect(ok(['completion', 'bash'])).to.equal(fs.readFileSync(path.join(completions, 'burrow.bash'), 'utf8'));
    expect(ok(['completion', 'fish'])).to.equal(fs.readFileSync(path.join(completions, 'burrow.fish'), 'utf8'));
    expect(ok(['completion', 'zsh'])).to.match(/^#compdef burrow/);
  });
});
