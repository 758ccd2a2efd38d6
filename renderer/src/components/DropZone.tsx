// Tarballs dropped anywhere on the window, or chosen with the file dialog (native in the desktop app).
import { useEffect, useRef, useState } from 'react';
import { desktop, uploadFile } from '../lib/api.js';
import { useTransfers } from '../stores/transfers.js';

export function DropZone() {
  const addDrop = useTransfers((s) => s.addDrop);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const take = (files: ArrayLike<File> | null): void => {
    for (const file of Array.from(files ?? [])) void addDrop(file.name, (progress, signal) => uploadFile(file, progress, signal));
  };
  // The chooser fires no change for the file it holds already: empty it, so choosing the same tarball again (after
  // dismissing it, or to push it to a second place) is not silently ignored.
  const chosen = (target: HTMLInputElement): void => {
    const files = Array.from(target.files ?? []);
    target.value = '';
    take(files);
  };
  const open = (paths: readonly string[]): void => paths.forEach((p) => void addDrop(p.split(/[\\/]/).pop() ?? p, Promise.resolve(p)));
  const choose = (): void => {
    const bridge = desktop();
    if (bridge) void bridge.chooseArchives().then(open);
    else input.current?.click();
  };

  useEffect(() => {
    const onOver = (event: DragEvent): void => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      setOver(true);
    };
    const onLeave = (event: DragEvent): void => {
      if (event.relatedTarget === null) setOver(false);
    };
    const onDrop = (event: DragEvent): void => {
      event.preventDefault();
      setOver(false);
      take(event.dataTransfer?.files ?? null);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    const off = desktop()?.onOpenArchives(choose);
    const offFiles = desktop()?.onOpenFiles(open);
    return () => {
      offFiles?.();
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
      off?.();
    };
  });

  return (
    <>
      <button type="button" className="push-button" onClick={choose}>Push tarball…</button>
      <input ref={input} type="file" multiple hidden accept=".tar,.gz,.tgz,application/x-tar,application/gzip" aria-label="Choose image tarballs" data-testid="drop-input" onChange={(e) => chosen(e.target)} />
      {over && <div className="drop-overlay" aria-hidden="true">Drop image tarballs to push them</div>}
    </>
  );
}
