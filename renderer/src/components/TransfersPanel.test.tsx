import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BlobProgress } from '../../../shared/push.js';
import { useTransfers } from '../stores/transfers.js';
import { TransfersPanel } from './TransfersPanel.js';

const blob = (id: string, kind: BlobProgress['kind'], label?: string): BlobProgress => ({ id, kind, action: 'upload', state: 'uploading', bytesDone: 1, bytesTotal: 2, bytesSent: 1, digest: `sha256:${id.repeat(64)}`, ...(label ? { label } : {}) });

describe('TransfersPanel', () => {
  it('names the blobs of a multi-arch copy by platform and layer, with the digest on hover', () => {
    const blobs = [blob('a', 'config', 'config linux/amd64'), blob('b', 'config', 'config linux/arm64'), blob('c', 'layer', 'layer 1/2 linux/arm64'), blob('d', 'layer')];
    useTransfers.setState({
      open: true,
      order: ['job'],
      jobs: { job: { view: { jobId: 'job', kind: 'copy', target: 'localhost:5001/app:1', archive: '', state: 'running', startedAt: '2026-01-01T00:00:00Z' }, blobs: Object.fromEntries(blobs.map((b) => [b.id, b])) } },
    });
    render(<TransfersPanel />);
    const names = [...document.querySelectorAll('.blob-name')].map((n) => n.textContent);
    expect(names).toEqual(['config linux/amd64', 'config linux/arm64', 'layer 1/2 linux/arm64', 'd'.repeat(12)]);
    expect(screen.getByText('config linux/arm64').getAttribute('title')).toBe(`config linux/arm64\nsha256:${'b'.repeat(64)}`);
  });
});
