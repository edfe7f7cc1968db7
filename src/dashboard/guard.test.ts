import { describe, expect, it } from 'vitest';
import { allowedHosts, hostName, isLoopback, tokenMatches } from './guard.js';
import { staticPath } from './static.js';

describe('hostName', () => {
  it('takes the name out of a Host header, brackets and port removed', () => {
    expect(hostName('localhost:8080')).toBe('localhost');
    expect(hostName('[::1]:8080')).toBe('::1');
    expect(hostName('LOCALHOST')).toBe('localhost');
    expect(hostName(undefined)).toBeNull();
    expect(hostName('')).toBeNull();
    expect(hostName('a:b:c')).toBeNull();
    expect(hostName('evil.example:80/x')).toBeNull();
  });
});

describe('allowedHosts', () => {
  it('is loopback plus the bound address and any extra names', () => {
    expect([...allowedHosts('127.0.0.1')].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(allowedHosts('192.168.1.5', ['Tune.Example'])).toEqual(
      new Set(['localhost', '127.0.0.1', '::1', '192.168.1.5', 'tune.example']),
    );
    expect(isLoopback('127.0.0.2')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
  });
});

describe('tokenMatches', () => {
  it('compares whole tokens', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });
});

describe('staticPath', () => {
  it('maps plain names inside the root and nothing outside it', () => {
    expect(staticPath('/srv/ui', '/app.js')).toBe('/srv/ui/app.js');
    for (const bad of [
      '/../x',
      '/a/../../x',
      '/%2e%2e/x',
      '/..%2fx',
      '/%5c..%5cx',
      '/.env',
      '/%00',
      '/%E0%A4%A',
    ])
      expect(staticPath('/srv/ui', bad), bad).toBeNull();
    expect(staticPath('/srv/ui', '/')).toBeNull();
  });
});
