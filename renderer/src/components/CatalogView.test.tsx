import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { useCatalog } from '../stores/catalog.js';
import { useRegistries } from '../stores/registries.js';
import { CatalogView } from './CatalogView.js';

beforeEach(() => {
  useRegistries.setState({ list: [{ id: 'local', name: 'Local', url: '127.0.0.1:5000', credentialSource: 'none', insecure: false, concurrency: 4, bookmarks: [], hasSecret: false }] });
  // A catalog already listed for this registry: the view does not ask the engine again.
  useCatalog.setState({ registryId: 'local', repositories: ['team/app', 'team/multi'], loading: false, done: true, error: undefined, filter: '', collapsed: new Set() });
});

describe('CatalogView', () => {
  it('says so when the filter matches nothing, instead of an empty list', () => {
    useCatalog.setState({ filter: 'zzz' });
    render(<CatalogView registryId="local" />);
    expect(screen.getByText(/No repository matches “zzz”/)).toBeTruthy();
    expect(screen.getByText(/0 of 2 repositories/)).toBeTruthy();
  });

  it('gives no count for a catalog it could not list (not "0 of 0", which reads as an empty registry)', () => {
    useCatalog.setState({ repositories: [], done: true, error: { code: 'NETWORK', message: 'cannot connect to 127.0.0.1:1: connection refused (is the registry running?)' } });
    render(<CatalogView registryId="local" />);
    expect(screen.getByText(/connection refused/)).toBeTruthy();
    expect(screen.queryByText(/of 0 repositories/)).toBeNull();
  });

  it('lists the matches when there are some', () => {
    useCatalog.setState({ filter: 'multi' });
    render(<CatalogView registryId="local" />);
    expect(screen.queryByText(/No repository matches/)).toBeNull();
    expect(screen.getByText(/1 of 2 repositories/)).toBeTruthy();
  });

  it('counts one repository in the singular, filtered or not', () => {
    useCatalog.setState({ repositories: ['team/app'] });
    const { unmount } = render(<CatalogView registryId="local" />);
    expect(screen.getByText(/^1 of 1 repository$/)).toBeTruthy();
    unmount();
    useCatalog.setState({ filter: 'zzz' });
    render(<CatalogView registryId="local" />);
    expect(screen.getByText(/^0 of 1 repository$/)).toBeTruthy();
  });
});
