import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextPageUrl } from '../../electron/core/registry/pagination.js';

describe('nextPageUrl', () => {
  const base = 'https://reg.example/v2/_catalog?n=2';
  it('resolves a relative next link', () => {
    assert.equal(nextPageUrl('</v2/_catalog?last=b&n=2>; rel="next"', base), 'https://reg.example/v2/_catalog?last=b&n=2');
  });
  it('finds next among several links and unquoted rel', () => {
    assert.equal(nextPageUrl('</v2/x?p=0>; rel="prev", </v2/x?p=2>; rel=next', base), 'https://reg.example/v2/x?p=2');
  });
  it('refuses a link to another origin', () => {
    assert.equal(nextPageUrl('<https://evil.example/v2/_catalog?last=b>; rel="next"', base), undefined);
  });
  it('is undefined without a next link', () => {
    assert.equal(nextPageUrl(undefined, base), undefined);
    assert.equal(nextPageUrl('</v2/x>; rel="prev"', base), undefined);
  });
});
