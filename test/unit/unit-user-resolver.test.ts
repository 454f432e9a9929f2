// resolveUser: the container --user against the image's /etc/passwd and /etc/group.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {resolveUser} from '../../src/runtime/user-resolver';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'app:x:1000:1000:App User:/home/app:/bin/sh',
  'web:x:1001:1001::/srv/web:/bin/sh',
  'nohome:x:1002:1002:::/bin/sh',
  'broken line',
  '',
].join('\n');

const GROUP = [
  'root:x:0:',
  'wheel:x:10:root,app',
  'staff:x:50:app, web',
  'app:x:1000:',
  'web:x:1001:',
  'docker:x:999:web',
  '',
].join('\n');

describe('unit: runtime/user-resolver resolveUser', () => {
  it('"" is root: 0:0 with home /root', () => {
    expect(resolveUser('', PASSWD, GROUP)).to.deep.equal({uid: 0, gid: 0, additionalGids: [10], home: '/root'});
  });

  it('"" without passwd or group files is still root 0:0 /root', () => {
    expect(resolveUser('', undefined, undefined)).to.deep.equal({uid: 0, gid: 0, additionalGids: [], home: '/root'});
  });

  it('a user name gives its uid, gid, home and the groups listing it', () => {
    expect(resolveUser('app', PASSWD, GROUP)).to.deep.equal({uid: 1000, gid: 1000, additionalGids: [10, 50], home: '/home/app'});
    expect(resolveUser('web', PASSWD, GROUP)).to.deep.equal({uid: 1001, gid: 1001, additionalGids: [50, 999], home: '/srv/web'});
  });

  it('a numeric uid found in passwd behaves like its name', () => {
    expect(resolveUser('1000', PASSWD, GROUP)).to.deep.equal({uid: 1000, gid: 1000, additionalGids: [10, 50], home: '/home/app'});
  });

  it('a numeric uid not in passwd runs with gid 0, no extra groups and home /', () => {
    expect(resolveUser('4242', PASSWD, GROUP)).to.deep.equal({uid: 4242, gid: 0, additionalGids: [], home: '/'});
    expect(resolveUser('4242', undefined, undefined)).to.deep.equal({uid: 4242, gid: 0, additionalGids: [], home: '/'});
  });

  it('a user without a home in passwd gets /', () => {
    expect(resolveUser('nohome', PASSWD, GROUP).home).to.equal('/');
  });

  it('"name:group" uses the named group and no supplementary groups', () => {
    expect(resolveUser('app:staff', PASSWD, GROUP)).to.deep.equal({uid: 1000, gid: 50, additionalGids: [], home: '/home/app'});
  });

  it('"uid:gid" takes both numbers as given, even when unknown', () => {
    expect(resolveUser('1000:1001', PASSWD, GROUP)).to.deep.equal({uid: 1000, gid: 1001, additionalGids: [], home: '/home/app'});
    expect(resolveUser('5000:6000', PASSWD, GROUP)).to.deep.equal({uid: 5000, gid: 6000, additionalGids: [], home: '/'});
  });

  it('"name:gid" and "uid:group" mix both forms', () => {
    expect(resolveUser('web:0', PASSWD, GROUP)).to.deep.equal({uid: 1001, gid: 0, additionalGids: [], home: '/srv/web'});
    expect(resolveUser('5000:docker', PASSWD, GROUP)).to.deep.equal({uid: 5000, gid: 999, additionalGids: [], home: '/'});
  });

  it('an unknown user name is an InvalidInputError naming the user', () => {
    expect(() => resolveUser('nobody', PASSWD, GROUP)).to.throw(InvalidInputError, 'unable to find user nobody');
    expect(() => resolveUser('app', undefined, GROUP)).to.throw(InvalidInputError, 'unable to find user app');
  });

  it('an unknown group name is an InvalidInputError naming the group', () => {
    expect(() => resolveUser('app:nogroup', PASSWD, GROUP)).to.throw(InvalidInputError, 'unable to find group nogroup');
  });
});
