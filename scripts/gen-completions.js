#!/usr/bin/env node
'use strict';
// Writes the shell completion scripts (completions/burrow.bash, _burrow for zsh, burrow.fish) from
// oclif.manifest.json, the metadata `--help` and the man pages come from, so commands and flags never
// drift. What an argument or a flag value is (a running container, an image, a network…) is said
// here; live names come from `burrow __complete KIND` at TAB time. Run by `npm run build`.
//   node scripts/gen-completions.js [OUTDIR]    (default: completions/)
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'completions'));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));

// Positional arguments per command: a kind per position; '*' repeats the last one; '!' ends completion
// (what follows is the container's own command line).
const ARGS = {
  run: ['images', '!'], create: ['images', '!'], exec: ['running', '!'], attach: ['running'], top: ['running'],
  stop: ['running*'], kill: ['running*'], pause: ['running*'], unpause: ['running*'], stats: ['running*'],
  start: ['stopped*'], rm: ['containers*'], restart: ['containers*'], wait: ['containers*'], logs: ['containers*'],
  port: ['containers'], rename: ['containers'], export: ['containers'], diff: ['containers+images'], mount: ['containers*'],
  unmount: ['containers*'], umount: ['containers*'], commit: ['containers'], 'container:inspect': ['containers*'],
  inspect: ['containers+images*'], 'healthcheck:run': ['running'], 'generate:systemd': ['containers'],
  rmi: ['images*'], history: ['images'], tag: ['images'], untag: ['images'], push: ['images'], save: ['images*'],
  'image:inspect': ['images*'], 'image:exists': ['images'], 'image:rm': ['images*'], 'image:history': ['images'],
  'volume:rm': ['volumes*'], 'volume:inspect': ['volumes*'], 'volume:exists': ['volumes'], 'volume:export': ['volumes'],
  'volume:import': ['volumes', 'files'], 'network:rm': ['networks*'], 'network:inspect': ['networks*'],
  'network:exists': ['networks'], 'network:connect': ['networks', 'containers'], 'network:disconnect': ['networks', 'containers'],
  import: ['files'], unshare: ['!'], completion: ['@bash zsh fish'],
};

const SIGNALS = '@SIGTERM SIGKILL SIGHUP SIGINT SIGQUIT SIGUSR1 SIGUSR2 SIGSTOP SIGCONT';
// Flag values, by flag name (any command) or by "command --flag".
const VALUES = {
  network: 'networks+@none host pasta slirp4netns bridge private', 'volumes-from': 'containers', 'log-level': '@debug info warn error',
  pull: '@missing always never newer', 'log-driver': '@k8s-file json-file none passthrough journald',
  restart: '@no on-failure always unless-stopped', 'restart-policy': '@no on-success on-failure on-abnormal on-watchdog on-abort always',
  userns: '@host keep-id auto nomap', sdnotify: '@container conmon ignore', 'health-on-failure': '@none kill restart stop',
  signal: SIGNALS, 'stop-signal': SIGNALS, volume: 'volumes+dirs', 'env-file': 'files', authfile: 'files', 'cert-dir': 'dirs',
  input: 'files', output: 'files', root: 'dirs', runroot: 'dirs', runtime: '@runc crun', 'storage-driver': '@overlay fuse-overlayfs vfs',
  workdir: '', 'cidfile': 'files',
  'ps --format': '@json {{.ID}} {{.Image}} {{.Command}} {{.Created}} {{.Status}} {{.Ports}} {{.Names}} {{.State}} {{.Labels}} {{.Networks}} {{.Pid}}',
  'images --format': '@json {{.Repository}} {{.Tag}} {{.ID}} {{.Created}} {{.Size}} {{.Digest}}',
  'inspect --format': '@json {{.Id}} {{.Name}} {{.State.Status}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}} {{.Config.Image}} {{.Mounts}} {{.NetworkSettings.Ports}}',
  'info --format': '@json {{.Host.OCIRuntime.Name}} {{.Host.RootlessNetworkCmd}} {{.Store.GraphDriverName}} {{.Store.GraphRoot}} {{.Version.Version}}',
  'version --format': '@json {{.Client.Version}} {{.Client.APIVersion}} {{.Client.GoVersion}}',
  'volume:ls --format': '@json {{.Name}} {{.Driver}} {{.Mountpoint}} {{.Labels}}',
  'network:ls --format': '@json {{.Name}} {{.ID}} {{.Driver}} {{.Labels}}',
  format: '@json',
};

// The command tree: every id and alias, as words.
const commands = Object.values(manifest.commands).filter((c) => !c.hidden);
const entries = [];
for (const c of commands) for (const id of [c.id, ...(c.aliases || [])]) entries.push({id, words: id.split(':'), cmd: c});
// Paths are keyed from the program name ("burrow", "burrow network"): shells' maps reject empty keys.
const keyOf = (words) => ['burrow', ...words].join(' ');
const children = new Map([['burrow', new Set()]]);
for (const e of entries) {
  for (let i = 0; i < e.words.length; i++) {
    const prefix = keyOf(e.words.slice(0, i));
    if (!children.has(prefix)) children.set(prefix, new Set());
    children.get(prefix).add(e.words[i]);
  }
}
// Topics (`network`, `volume`…) that are not commands themselves still complete their subcommands.
const flagWords = (f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : []), ...(f.allowNo ? [`--no-${f.name}`] : [])];
const globals = [...new Map(commands.flatMap((c) => Object.values(c.flags)).filter((f) => f.helpGroup === 'GLOBAL').map((f) => [f.name, f])).values()];

// In the scripts a literal list is "@a,b,c": kinds are space-separated lists themselves.
const norm = (kind) => kind.split('+').map((k) => (k.startsWith('@') ? k.replace(/ /g, ',') : k)).join('+');

function valueKind(cmdId, flagName) {
  return norm(VALUES[`${cmdId} --${flagName}`] ?? VALUES[flagName] ?? '');
}

// One record per command path: its flags (all; value-taking ones apart), flag kinds, argument kinds.
const paths = new Map();
for (const e of entries) {
  const key = keyOf(e.words);
  const flags = Object.values(e.cmd.flags).filter((f) => !f.hidden);
  paths.set(key, {
    flags: flags.flatMap(flagWords),
    valueFlags: flags.filter((f) => f.type === 'option').flatMap(flagWords),
    kinds: Object.fromEntries(flags.filter((f) => f.type === 'option').flatMap((f) => flagWords(f).map((w) => [w, valueKind(e.cmd.id, f.name)])).filter(([, k]) => k)),
    args: (ARGS[e.cmd.id] || []).map(norm),
  });
}
for (const prefix of children.keys()) {
  if (!paths.has(prefix)) {
    paths.set(prefix, {flags: globals.flatMap(flagWords), valueFlags: globals.filter((f) => f.type === 'option').flatMap(flagWords),
      kinds: Object.fromEntries(globals.flatMap((f) => flagWords(f).map((w) => [w, valueKind('', f.name)])).filter(([, k]) => k)), args: []});
  }
}
const sortedPaths = [...paths.keys()].sort();
const sub = (p) => [...(children.get(p) || [])].sort().join(' ');
// Script bodies are String.raw templates with \${ for a literal ${.
const unesc = (strings, ...values) => String.raw(strings, ...values).replace(/\\\$\{/g, '${');
const header = (c) => `${c} Generated by scripts/gen-completions.js from the command metadata; do not edit.\n`;

// ---- bash ----
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
function bash() {
  const lines = [header('#'), '# Live names (containers, images, volumes, networks) come from `burrow __complete KIND`.'];
  lines.push('declare -gA _burrow_sub=(');
  for (const p of sortedPaths) if (sub(p)) lines.push(`  [${q(p)}]=${q(sub(p))}`);
  lines.push(')', 'declare -gA _burrow_flags=(');
  for (const p of sortedPaths) lines.push(`  [${q(p)}]=${q(paths.get(p).flags.join(' '))}`);
  lines.push(')', 'declare -gA _burrow_vflags=(');
  for (const p of sortedPaths) lines.push(`  [${q(p)}]=${q(` ${paths.get(p).valueFlags.join(' ')} `)}`);
  lines.push(')', 'declare -gA _burrow_kinds=(');
  for (const p of sortedPaths) for (const [f, k] of Object.entries(paths.get(p).kinds)) lines.push(`  [${q(`${p}|${f}`)}]=${q(k)}`);
  lines.push(')', 'declare -gA _burrow_args=(');
  for (const p of sortedPaths) if (paths.get(p).args.length) lines.push(`  [${q(p)}]=${q(paths.get(p).args.join(' '))}`);
  lines.push(')', '', unesc`_burrow_values() {
  local part
  local -a out=() words
  local IFS=+
  for part in $1; do
    case $part in
      @*) IFS=, read -r -a words <<<"\${part#@}"; out+=("\${words[@]}") ;;
      files) ;;
      dirs) ;;
      *) local IFS=$'\n'; out+=($(burrow __complete "$part" "\${_burrow_roots[@]}" 2>/dev/null)); IFS=+ ;;
    esac
  done
  IFS=$'\n'
  COMPREPLY=($(compgen -W "\${out[*]}" -- "$cur"))
  case +$1+ in
    *+files+*) COMPREPLY+=($(compgen -f -- "$cur")) ;;
    *+dirs+*) COMPREPLY+=($(compgen -d -- "$cur")) ;;
  esac
}

_burrow() {
  local cur prev cword cmdpath=burrow w i=1 npos=0
  local -a words _burrow_roots=()
  # bash-completion's reader keeps "registry:5000/img:tag" one word (COMP_WORDS splits at ':').
  if declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref -n =: cur prev words cword
  else
    words=("\${COMP_WORDS[@]}") cword=$COMP_CWORD cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  fi
  COMPREPLY=()
  while (( i < cword )); do
    w=\${words[i]}
    if [[ $w == -* ]]; then
      [[ $w == --root || $w == --runroot ]] && _burrow_roots+=("$w" "\${words[i+1]}")
      [[ $w != *=* && "\${_burrow_vflags[$cmdpath]}" == *" $w "* ]] && ((i++))
    elif (( npos == 0 )) && [[ " \${_burrow_sub[$cmdpath]} " == *" $w "* ]]; then
      cmdpath="$cmdpath $w"
    else
      ((npos++))
    fi
    ((i++))
  done
  _burrow_complete_at
  declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"
  return 0
}

_burrow_complete_at() {
  if (( cword > 1 )) && [[ $prev == -* && "\${_burrow_vflags[$cmdpath]}" == *" $prev "* ]]; then
    _burrow_values "\${_burrow_kinds[$cmdpath|$prev]}"
    return
  fi
  local -a kinds=(\${_burrow_args[$cmdpath]})
  if [[ $cur == -* ]]; then
    # After the image (run) or the container (exec) come the process's own arguments.
    (( npos > 0 )) && [[ " \${kinds[*]} " == *' ! '* ]] && return
    COMPREPLY=($(compgen -W "\${_burrow_flags[$cmdpath]}" -- "$cur"))
    return
  fi
  if (( npos == 0 )) && [[ -n \${_burrow_sub[$cmdpath]} ]]; then
    COMPREPLY=($(compgen -W "\${_burrow_sub[$cmdpath]}" -- "$cur"))
    return
  fi
  local k=
  if (( npos < \${#kinds[@]} )); then k=\${kinds[npos]}
  elif (( \${#kinds[@]} > 0 )) && [[ \${kinds[-1]} == *'*' ]]; then k=\${kinds[-1]}
  fi
  k=\${k%'*'}
  [[ -n $k && $k != '!' ]] && _burrow_values "$k"
}
complete -o default -F _burrow burrow`);
  return lines.join('\n') + '\n';
}

// ---- zsh ----
function zsh() {
  const zq = q;
  const lines = ['#compdef burrow', header('#'), '# Live names come from `burrow __complete KIND`.', 'typeset -gA _burrow_sub _burrow_flags _burrow_vflags _burrow_kinds _burrow_args'];
  lines.push('_burrow_sub=(');
  for (const p of sortedPaths) if (sub(p)) lines.push(`  ${zq(p)} ${zq(sub(p))}`);
  lines.push(')', '_burrow_flags=(');
  for (const p of sortedPaths) lines.push(`  ${zq(p)} ${zq(paths.get(p).flags.join(' '))}`);
  lines.push(')', '_burrow_vflags=(');
  for (const p of sortedPaths) lines.push(`  ${zq(p)} ${zq(` ${paths.get(p).valueFlags.join(' ')} `)}`);
  lines.push(')', '_burrow_kinds=(');
  for (const p of sortedPaths) for (const [f, k] of Object.entries(paths.get(p).kinds)) lines.push(`  ${zq(`${p}|${f}`)} ${zq(k)}`);
  lines.push(')', '_burrow_args=(');
  for (const p of sortedPaths) if (paths.get(p).args.length) lines.push(`  ${zq(p)} ${zq(paths.get(p).args.join(' '))}`);
  lines.push(')', '', unesc`_burrow_values() {
  local part
  local -a out
  for part in \${(s:+:)1}; do
    case $part in
      @*) out+=(\${(s:,:)part#@}) ;;
      files) _files ;;
      dirs) _files -/ ;;
      *) out+=(\${(f)"$(burrow __complete $part $_burrow_roots 2>/dev/null)"}) ;;
    esac
  done
  (( $#out )) && compadd -Q -- $out
}

_burrow() {
  local cmdpath=burrow w prev i npos=0
  local -a _burrow_roots kinds
  for (( i = 2; i < CURRENT; i++ )); do
    w=$words[i]
    if [[ $w == -* ]]; then
      [[ $w == --root || $w == --runroot ]] && _burrow_roots+=($w $words[i+1])
      [[ $w != *=* && "$_burrow_vflags[$cmdpath]" == *" $w "* ]] && (( i++ ))
    elif (( npos == 0 )) && [[ " $_burrow_sub[$cmdpath] " == *" $w "* ]]; then
      cmdpath="$cmdpath $w"
    else
      (( npos++ ))
    fi
  done
  prev=$words[CURRENT-1]
  if (( CURRENT > 2 )) && [[ $prev == -* && "$_burrow_vflags[$cmdpath]" == *" $prev "* ]]; then
    _burrow_values "$_burrow_kinds[$cmdpath|$prev]"
    return
  fi
  kinds=(\${=_burrow_args[$cmdpath]})
  if [[ $PREFIX == -* ]]; then
    if (( npos > 0 )) && [[ " $kinds " == *' ! '* ]]; then return 1; fi
    compadd -- \${=_burrow_flags[$cmdpath]}
    return
  fi
  if (( npos == 0 )) && [[ -n $_burrow_sub[$cmdpath] ]]; then
    compadd -- \${=_burrow_sub[$cmdpath]}
    return
  fi
  local k=
  if (( npos < $#kinds )); then k=$kinds[npos+1]
  elif (( $#kinds > 0 )) && [[ $kinds[-1] == *'*' ]]; then k=$kinds[-1]
  fi
  k=\${k%\*}
  if [[ -n $k && $k != '!' ]]; then _burrow_values $k; else _files; fi
}

if [[ $funcstack[1] == _burrow ]]; then _burrow "$@"; else compdef _burrow burrow; fi`);
  return lines.join('\n') + '\n';
}

// ---- fish ----
function fish() {
  // fish has no associative arrays: one variable per path, named by a hex encoding of the path.
  const key = (p) => Buffer.from(p).toString('hex');
  const fq = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [header('#'), '# Live names come from `burrow __complete KIND`.'];
  for (const p of sortedPaths) {
    const r = paths.get(p);
    const k = key(p);
    if (sub(p)) lines.push(`set -g __burrow_sub_${k} ${sub(p).split(' ').map(fq).join(' ')}`);
    lines.push(`set -g __burrow_flags_${k} ${r.flags.map(fq).join(' ')}`);
    lines.push(`set -g __burrow_vflags_${k} ${r.valueFlags.map(fq).join(' ')}`);
    for (const [f, kind] of Object.entries(r.kinds)) lines.push(`set -g __burrow_kind_${k}_${Buffer.from(f).toString('hex')} ${fq(kind)}`);
    if (r.args.length) lines.push(`set -g __burrow_args_${k} ${r.args.map(fq).join(' ')}`);
  }
  lines.push('', unesc`function __burrow_key
    printf '%s' $argv[1] | od -An -tx1 | string join '' | string replace -a ' ' ''
end

function __burrow_values
    set -l roots $argv[2..-1]
    for part in (string split + -- $argv[1])
        switch $part
            case '@*'
                string split , -- (string sub -s 2 -- $part)
            case files dirs
                __fish_complete_path (commandline -ct)
            case '*'
                burrow __complete $part $roots 2>/dev/null
        end
    end
end

function __burrow_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmdpath burrow
    set -l npos 0
    set -l roots
    set -l skip 0
    for i in (seq 2 (count $words))
        set -l w $words[$i]
        if test $skip = 1
            set skip 0
            continue
        end
        set -l k (__burrow_key "$cmdpath")
        set -l vflags __burrow_vflags_$k
        set -l subs __burrow_sub_$k
        if string match -q -- '-*' $w
            if contains -- $w --root --runroot
                set -a roots $w $words[(math $i + 1)]
            end
            if not string match -q -- '*=*' $w; and contains -- $w $$vflags
                set skip 1
            end
        else if test $npos = 0; and set -q $subs; and contains -- $w $$subs
            set cmdpath "$cmdpath $w"
        else
            set npos (math $npos + 1)
        end
    end
    set -l k (__burrow_key "$cmdpath")
    set -l vflags __burrow_vflags_$k
    set -l prev $words[-1]
    if test (count $words) -gt 1; and string match -q -- '-*' $prev; and contains -- $prev $$vflags
        set -l kind __burrow_kind_{$k}_(__burrow_key $prev)
        if set -q $kind
            __burrow_values $$kind $roots
        end
        return
    end
    set -l argsvar __burrow_args_$k
    set -l kinds
    set -q $argsvar; and set kinds $$argsvar
    if string match -q -- '-*' $cur
        if test $npos -gt 0; and contains -- '!' $kinds
            return
        end
        set -l flags __burrow_flags_$k
        string split ' ' -- $$flags
        return
    end
    set -l subs __burrow_sub_$k
    if test $npos = 0; and set -q $subs
        string split ' ' -- $$subs
        return
    end
    set -l kind ''
    if test $npos -lt (count $kinds)
        set kind $kinds[(math $npos + 1)]
    else if test (count $kinds) -gt 0; and string match -q -- '*\*' $kinds[-1]
        set kind $kinds[-1]
    end
    set kind (string trim -r -c '*' -- $kind)
    if test -n "$kind"; and test "$kind" != '!'
        __burrow_values $kind $roots
    else
        __fish_complete_path $cur
    end
end

complete -c burrow -f -a '(__burrow_complete)'`);
  return lines.join('\n') + '\n';
}

fs.mkdirSync(outDir, {recursive: true});
fs.writeFileSync(path.join(outDir, 'burrow.bash'), bash());
fs.writeFileSync(path.join(outDir, '_burrow'), zsh());
fs.writeFileSync(path.join(outDir, 'burrow.fish'), fish());
