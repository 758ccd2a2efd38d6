// Registries with their status (reachable, auth, rate limit), and bookmarks for registries that deny the catalog.
import { useState } from 'react';
import type { RegistryTestResult, RegistryView } from '../../../shared/registry-profile.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { useTransfers } from '../stores/transfers.js';
import { readDraggedTags, IMAGE_DRAG_TYPE, type DraggedTags } from '../lib/image-drag.js';
import { CopyDialog } from './CopyDialog.js';
import { RegistryDialog } from './RegistryDialog.js';

/** A registry's status in words: the dot's title and, for screen readers, the button's description. */
function statusText(status: RegistryTestResult | 'testing' | undefined): { readonly tone: 'checking' | 'good' | 'bad'; readonly text: string } {
  if (status === undefined || status === 'testing') return { tone: 'checking', text: 'checking the connection' };
  if (!status.ok) return { tone: 'bad', text: `not reachable: ${status.code}: ${status.message}` };
  const rate = status.rateLimit ? ` · ${status.rateLimit.remaining}/${status.rateLimit.limit} pulls left` : '';
  return { tone: 'good', text: `reachable · auth ${status.auth}${status.usedCredentials ? ' · signed in' : ''}${rate}` };
}

export function Sidebar() {
  const list = useRegistries((s) => s.list);
  const status = useRegistries((s) => s.status);
  const route = useNav((s) => s.route);
  const go = useNav((s) => s.go);
  const save = useRegistries((s) => s.save);
  const jobs = useTransfers((s) => Object.values(s.jobs).filter((j) => j.view.state === 'running').length);
  const setOpen = useTransfers((s) => s.setOpen);
  const [editing, setEditing] = useState<RegistryView | 'new' | undefined>();
  const [bookmark, setBookmark] = useState('');
  const [dropped, setDropped] = useState<{ readonly tags: DraggedTags; readonly target: string } | undefined>();
  const [dropTarget, setDropTarget] = useState<string | undefined>();
  const current = 'registryId' in route ? route.registryId : undefined;

  return (
    <nav className="sidebar" aria-label="Registries">
      <div className="brand">Stevedore</div>
      <ul>
        {[...list]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((registry) => (
            <li
              key={registry.id}
              className={`registry${registry.id === current ? ' current' : ''}${registry.id === dropTarget ? ' drop-target' : ''}`}
              onDragOver={(e) => {
                if (!e.dataTransfer.types.includes(IMAGE_DRAG_TYPE)) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'copy';
                setDropTarget(registry.id);
              }}
              onDragLeave={() => setDropTarget(undefined)}
              onDrop={(e) => {
                const tags = readDraggedTags(e.dataTransfer);
                setDropTarget(undefined);
                if (!tags) return;
                e.preventDefault();
                setDropped({ tags, target: registry.id });
              }}
            >
              {/* Not colour only: the dot's shape differs (filled, ring, dashed) and the words describe the button. */}
              <button type="button" className="link" title={registry.name} aria-describedby={`status-${registry.id}`} onClick={() => go({ view: 'catalog', registryId: registry.id })}>
                <span className={`dot ${statusText(status[registry.id]).tone}`} title={statusText(status[registry.id]).text} aria-hidden="true" /> {registry.name}
              </button>
              <span id={`status-${registry.id}`} className="sr-only">
                {statusText(status[registry.id]).text}
              </span>
              <button type="button" className="icon" aria-label={`Edit ${registry.name}`} onClick={() => setEditing(registry)}>
                ✎
              </button>
              {registry.id === current && (
                <div className="bookmarks">
                  {registry.bookmarks.map((name) => (
                    <button key={name} type="button" className="link small" onClick={() => go({ view: 'repository', registryId: registry.id, repository: name })}>
                      ★ {name}
                    </button>
                  ))}
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (!bookmark) return;
                      void save({ profile: { ...registry, bookmarks: [...new Set([...registry.bookmarks, bookmark])] } }).then(() => setBookmark(''));
                    }}
                  >
                    <input value={bookmark} onChange={(e) => setBookmark(e.target.value.trim())} placeholder="Add a repository" aria-label="Bookmark a repository" />
                  </form>
                </div>
              )}
            </li>
          ))}
      </ul>
      <button type="button" onClick={() => setEditing('new')}>
        + Add registry
      </button>
      <div className="sidebar-foot">
        <button type="button" className="link" onClick={() => go({ view: 'compare' })}>
          Compare images
        </button>
        <button type="button" className="link" onClick={() => setOpen(true)}>
          Transfers{jobs > 0 ? ` (${jobs} running)` : ''}
        </button>
      </div>
      {dropped && (
        <CopyDialog
          source={{ registryId: dropped.tags.registryId, repository: dropped.tags.repository, reference: dropped.tags.tags[0] ?? 'latest', tags: dropped.tags.tags, platforms: [] }}
          target={dropped.target}
          onClose={() => setDropped(undefined)}
        />
      )}
      {editing && <RegistryDialog key={editing === 'new' ? 'new' : editing.id} {...(editing === 'new' ? {} : { existing: editing })} onClose={() => setEditing(undefined)} onEdit={setEditing} />}
    </nav>
  );
}
