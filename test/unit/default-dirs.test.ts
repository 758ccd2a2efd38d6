// Where the web host keeps its profiles and the content cache: an empty or relative XDG variable is ignored, as the
// XDG base directory spec says (an empty one used to put `stevedore/registries.json` in the working directory).
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCacheDir } from '../../electron/core/cache/content-cache.js';
import { defaultDataDir } from '../../electron/host/contract-host.js';

describe('default directories', () => {
  it('keeps profiles under XDG_CONFIG_HOME when it is an absolute path, else under ~/.config', () => {
    assert.equal(defaultDataDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/x/config' }), '/x/config/stevedore');
    assert.equal(defaultDataDir({ HOME: '/home/u' }), '/home/u/.config/stevedore');
    assert.equal(defaultDataDir({ HOME: '/home/u', XDG_CONFIG_HOME: '' }), '/home/u/.config/stevedore');
    assert.equal(defaultDataDir({ HOME: '/home/u', XDG_CONFIG_HOME: 'relative' }), '/home/u/.config/stevedore');
    assert.equal(defaultDataDir({ HOME: '/home/u', STEVEDORE_DATA_DIR: '/d' }), '/d');
    assert.equal(defaultDataDir({ HOME: '/home/u', STEVEDORE_DATA_DIR: '' }), '/home/u/.config/stevedore');
  });

  it('keeps the cache under XDG_CACHE_HOME when it is an absolute path, else under ~/.cache', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/stevedore');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'stevedore'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'rel' }), join(homedir(), '.cache', 'stevedore'));
  });
});
