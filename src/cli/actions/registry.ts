// Command id → action, and how its command line is read. Loading an action loads no oclif and, until it
// asks for the engine, no engine.
import type {Action} from './context';
import type {CommandSpec} from '../argv-parser';

export interface ActionEntry {
  load: () => Action;
  passThrough?: CommandSpec['passThrough'];
}

const containers = () => require('./containers') as typeof import('./containers');
const images = () => require('./images') as typeof import('./images');
const system = () => require('./system') as typeof import('./system');
const registries = () => require('./registries') as typeof import('./registries');
const archives = () => require('./archives') as typeof import('./archives');
const networks = () => require('./networks') as typeof import('./networks');
const files = () => require('./files') as typeof import('./files');
const processState = () => require('./process-state') as typeof import('./process-state');
const volumes = () => require('./volumes') as typeof import('./volumes');
const systemd = () => require('./systemd') as typeof import('./systemd');

export const ACTIONS: Record<string, ActionEntry> = {
  run: {load: () => containers().run, passThrough: 'after-first'},
  create: {load: () => containers().create, passThrough: 'after-first'},
  exec: {load: () => containers().exec, passThrough: 'after-first'},
  rename: {load: () => containers().rename},
  top: {load: () => containers().top},
  start: {load: () => containers().start},
  attach: {load: () => containers().attach},
  stop: {load: () => containers().stop},
  kill: {load: () => containers().kill},
  restart: {load: () => containers().restart},
  rm: {load: () => containers().rm},
  ps: {load: () => containers().ps},
  logs: {load: () => containers().logs},
  wait: {load: () => containers().wait},
  inspect: {load: () => containers().inspectAs('all')},
  'container:inspect': {load: () => containers().inspectAs('container')},
  'container:cleanup': {load: () => containers().cleanup},
  'healthcheck:run': {load: () => containers().healthcheckRun},
  import: {load: () => images().importImage},
  images: {load: () => images().images},
  rmi: {load: () => images().rmi},
  tag: {load: () => images().tag},
  untag: {load: () => images().untag},
  save: {load: () => archives().save},
  load: {load: () => archives().load},
  export: {load: () => archives().exportContainer},
  cp: {load: () => files().cp},
  diff: {load: () => files().diff},
  mount: {load: () => files().mount},
  unmount: {load: () => files().unmount},
  pause: {load: () => processState().pause},
  unpause: {load: () => processState().unpause},
  stats: {load: () => processState().stats},
  'image:inspect': {load: () => containers().inspectAs('image')},
  history: {load: () => images().history},
  'image:exists': {load: () => images().imageExists},
  'image:prune': {load: () => images().imagePrune},
  info: {load: () => system().info},
  version: {load: () => system().version},
  unshare: {load: () => system().unshare, passThrough: 'all'},
  'system:migrate': {load: () => system().migrate},
  completion: {load: () => system().completion},
  pull: {load: () => registries().pull},
  push: {load: () => registries().push},
  login: {load: () => registries().login},
  logout: {load: () => registries().logout},
  search: {load: () => registries().search},
  port: {load: () => networks().port},
  'network:create': {load: () => networks().networkCreate},
  'network:ls': {load: () => networks().networkList},
  'network:inspect': {load: () => networks().networkInspect},
  'network:rm': {load: () => networks().networkRemove},
  'network:prune': {load: () => networks().networkPrune},
  'network:exists': {load: () => networks().networkExists},
  'network:connect': {load: () => networks().networkConnect},
  'network:disconnect': {load: () => networks().networkDisconnect},
  'volume:create': {load: () => volumes().volumeCreate},
  'volume:ls': {load: () => volumes().volumeList},
  'volume:inspect': {load: () => volumes().volumeInspect},
  'volume:rm': {load: () => volumes().volumeRemove},
  'volume:prune': {load: () => volumes().volumePrune},
  'volume:exists': {load: () => volumes().volumeExists},
  'volume:export': {load: () => volumes().volumeExport},
  'volume:import': {load: () => volumes().volumeImport},
  'generate:systemd': {load: () => systemd().generateSystemd},
  'system:doctor': {load: () => systemd().systemDoctor},
};
