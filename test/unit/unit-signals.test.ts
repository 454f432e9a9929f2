// normalizeSignal: names and numbers as users type them for kill / --stop-signal.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {normalizeSignal} from '../../src/runtime/signals';

describe('unit: runtime/signals normalizeSignal', () => {
  it('accepts names with or without SIG, in any case', () => {
    expect(normalizeSignal('term')).to.equal('SIGTERM');
    expect(normalizeSignal('TERM')).to.equal('SIGTERM');
    expect(normalizeSignal('SIGTERM')).to.equal('SIGTERM');
    expect(normalizeSignal('sigterm')).to.equal('SIGTERM');
    expect(normalizeSignal('KILL')).to.equal('SIGKILL');
    expect(normalizeSignal('hup')).to.equal('SIGHUP');
    expect(normalizeSignal(' usr1 ')).to.equal('SIGUSR1');
  });

  it('accepts numbers as strings or numbers', () => {
    expect(normalizeSignal('15')).to.equal('SIGTERM');
    expect(normalizeSignal('9')).to.equal('SIGKILL');
    expect(normalizeSignal(9)).to.equal('SIGKILL');
    expect(normalizeSignal('2')).to.equal('SIGINT');
    expect(normalizeSignal('10')).to.equal('SIGUSR1');
  });

  it('accepts real-time signals by name and number', () => {
    expect(normalizeSignal('RTMIN+3')).to.equal('SIGRTMIN+3');
    expect(normalizeSignal('SIGRTMAX-1')).to.equal('SIGRTMAX-1');
    expect(normalizeSignal('37')).to.equal('SIGRTMIN+3');
  });

  it('refuses anything else with InvalidInputError quoting the input', () => {
    for (const bad of ['FOO', 'SIGFOO', '', '0', '65', '-9', '9x', 'TERM KILL']) {
      expect(() => normalizeSignal(bad), JSON.stringify(bad)).to.throw(InvalidInputError, `invalid signal: ${bad}`);
    }
  });
});
