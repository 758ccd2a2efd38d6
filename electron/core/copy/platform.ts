// Platforms as users write them (`linux/arm64/v8`) and how they pick one manifest out of an index.
import type { Descriptor, Platform } from '../../../shared/image.js';
import { StevedoreError } from '../errors.js';

export interface PlatformChoice {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const PART = /^[a-z0-9._-]+$/i;

export function parsePlatform(input: string): PlatformChoice {
  const parts = input.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => PART.test(p))) {
    throw new StevedoreError('INVALID_ARGUMENT', `invalid platform "${input}": write it as os/arch or os/arch/variant, e.g. linux/arm64/v8`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(platform: PlatformChoice | Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`;
}

/** The platform this process runs on, as an image index names it. */
export function hostPlatform(): PlatformChoice {
  const architecture = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
  return { os: process.platform === 'win32' ? 'windows' : 'linux', architecture };
}

/** The index entry for `wanted`; a variant left out matches any (arm64 images are often tagged v8, often not). */
export function pickPlatform(manifests: readonly Descriptor[], wanted: PlatformChoice, what: string): Descriptor {
  const candidates = manifests.filter((m) => m.platform && m.platform.os === wanted.os && m.platform.architecture === wanted.architecture);
  const exact = candidates.find((m) => (m.platform?.variant ?? '') === (wanted.variant ?? ''));
  const chosen = exact ?? (wanted.variant === undefined ? candidates[0] : undefined);
  if (chosen) return chosen;
  const offered = manifests.filter((m) => m.platform && m.platform.os !== 'unknown').map((m) => formatPlatform(m.platform as Platform));
  throw new StevedoreError('NOT_FOUND', `${what} has no ${formatPlatform(wanted)} image (it has ${offered.join(', ') || 'no platforms'})`);
}
