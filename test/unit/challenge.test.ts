import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChallenges, pickChallenge } from '../../electron/core/auth/challenge.js';

describe('parseChallenges', () => {
  it('reads a Bearer challenge in any parameter order with quoted commas', () => {
    const [c] = parseChallenges(['Bearer scope="repository:a/b:pull,push",service="reg",realm="https://auth.example/token",error="insufficient_scope"']);
    assert.equal(c?.scheme, 'bearer');
    assert.deepEqual(c?.params, { scope: 'repository:a/b:pull,push', service: 'reg', realm: 'https://auth.example/token', error: 'insufficient_scope' });
  });

  it('reads several challenges in one header and across headers', () => {
    const challenges = parseChallenges(['Basic realm="x", Bearer realm="https://t/",service=s', 'Negotiate abc==']);
    assert.deepEqual(
      challenges.map((c) => c.scheme),
      ['basic', 'bearer', 'negotiate'],
    );
    assert.equal(challenges[1]?.params.service, 's');
    assert.equal(pickChallenge(challenges)?.scheme, 'bearer');
  });

  it('tolerates unquoted values, escapes and odd spacing', () => {
    const [c] = parseChallenges(['  BASIC   realm = "a \\"quoted\\" realm" ,  charset=UTF-8']);
    assert.equal(c?.scheme, 'basic');
    assert.equal(c?.params.realm, 'a "quoted" realm');
    assert.equal(c?.params.charset, 'UTF-8');
  });

  it('returns nothing for garbage', () => {
    assert.equal(pickChallenge(parseChallenges(['', ',,,'])), undefined);
  });
});
