import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ImageView as ImageData } from '../../../shared/contract.js';
import type { ImageConfig } from '../../../shared/image.js';
import { buildApi } from '../../../shared/contract.js';
import { setApi } from '../lib/api.js';
import { useImage } from '../stores/image.js';
import { ImageView } from './ImageView.js';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const config = (architecture: string): ImageConfig => ({ os: 'linux', architecture, env: [], cmd: ['run'], entrypoint: [], exposedPorts: [], labels: {}, diffIds: [], history: [{ createdBy: 'ADD small', emptyLayer: false }, { createdBy: 'ADD big', emptyLayer: false }] });
const platform = (architecture: string, digest: string, sizes: readonly number[]) => ({
  platform: { os: 'linux', architecture },
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  configDigest: d('c'),
  layers: sizes.map((size, i) => ({ digest: d(String(i + 1)), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size })),
  size: sizes.reduce((a, b) => a + b, 0),
  isAttestation: false,
  config: config(architecture),
  rawConfig: JSON.stringify({ architecture }),
});
const image = (platforms: ImageData['platforms']): ImageData => ({
  registry: 'localhost:5000',
  repository: 'team/app',
  digest: d('9'),
  mediaType: platforms.length > 1 ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
  kind: platforms.length > 1 ? 'index' : 'manifest',
  platforms,
  totalSize: 3000,
  rawManifest: '{"schemaVersion":2}',
  deletable: true,
});

function show(data: ImageData): void {
  // The Files view asks the host; here it answers nothing useful, which the view shows as an error.
  setApi(buildApi({ invoke: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'no host in this test' } }), subscribe: () => () => undefined }));
  useImage.setState({ key: 'r/team/app@1.0', image: data, loading: false, error: undefined, platform: 0 });
  render(<ImageView registryId="r" repository="team/app" reference="1.0" />);
}

describe('ImageView', () => {
  it('gives each platform its digest, a pull line per tool, and says layers are shared only when there are platforms to share', () => {
    show(image([platform('amd64', d('a'), [100, 2000]), platform('arm64', d('b'), [100, 900])]));
    expect(screen.getByText(/layers shared between platforms counted once/)).toBeTruthy();
    expect(screen.getByText('docker pull --platform linux/amd64 localhost:5000/team/app:1.0')).toBeTruthy();
    expect(screen.getByText('podman pull --platform linux/amd64 localhost:5000/team/app:1.0')).toBeTruthy();
    expect(screen.getByText('Platform digest').nextElementSibling?.textContent).toContain(d('a'));
    fireEvent.click(screen.getByRole('tab', { name: /linux\/arm64/ }));
    expect(screen.getByText('Platform digest').nextElementSibling?.textContent).toContain(d('b'));
  });

  it('says nothing of sharing for one platform, and sorts layers by size and back', () => {
    show(image([platform('amd64', d('a'), [100, 2000])]));
    expect(screen.queryByText(/shared between platforms/)).toBeNull();
    expect(screen.getByText('docker pull localhost:5000/team/app:1.0')).toBeTruthy();
    const commands = (): string[] => [...document.querySelectorAll('table.layers td.command')].map((c) => c.textContent ?? '');
    expect(commands()).toEqual(['ADD small', 'ADD big']);
    fireEvent.click(screen.getByRole('button', { name: 'Sort layers by size' }));
    expect(commands()).toEqual(['ADD big', 'ADD small']);
    fireEvent.click(screen.getByRole('button', { name: 'Sort layers in image order' }));
    expect(commands()).toEqual(['ADD small', 'ADD big']);
  });

  it('heads the layer table with what its rows add up to (the platform size adds the config, as its tab says)', () => {
    show(image([{ ...platform('amd64', d('a'), [20_245, 33_090]), size: 53_794 }]));
    expect(screen.getByRole('heading', { name: /^Layers of linux\/amd64/ }).textContent).toBe('Layers of linux/amd64 (2 layers, 53.3 kB)');
  });

  it('marks an empty env or label list with a dash, as it marks an empty entrypoint (not a blank row)', () => {
    show(image([platform('amd64', d('a'), [100])]));
    for (const term of ['Entrypoint', 'Env', 'Labels']) expect(screen.getByText(term, { selector: 'dt' }).nextElementSibling?.textContent, term).toBe('-');
  });

  it('shows the raw manifest and the config side by side, each with a copy button, one view at a time', () => {
    show(image([platform('amd64', d('a'), [100])]));
    const raw = screen.getByRole('button', { name: 'Raw JSON' });
    fireEvent.click(raw);
    expect(screen.getByLabelText('Raw manifest').textContent).toBe('{\n  "schemaVersion": 2\n}');
    expect(screen.getByLabelText('Raw config').textContent).toContain('"architecture": "amd64"');
    expect(screen.getByRole('button', { name: 'Copy manifest JSON' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy config JSON' })).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    // Files then Raw again: one view at a time, and the pressed button is the view on screen.
    fireEvent.click(screen.getByRole('button', { name: 'Files' }));
    expect(screen.queryByLabelText('Raw manifest')).toBeNull();
    expect(raw.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(raw);
    expect(screen.getByLabelText('Raw manifest')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Files' }).getAttribute('aria-pressed')).toBe('false');
    expect(within(document.body).queryByRole('region', { name: 'Files' })).toBeNull();
  });
});
