// What the desktop app's preload offers besides the contract: the native file dialog, the path of a dropped file, and
// tarballs the OS hands to the app (file associations, a second launch, macOS open-file). Absent in a browser.
export interface DesktopBridge {
  chooseArchives(): Promise<string[]>;
  /**
   * The native save dialog for "Export…", suggesting this file name; the path chosen, or undefined when cancelled.
   * A file the user agreed to replace there (the dialog asks) is replaced by that export only.
   */
  chooseExportFile(suggestedName: string): Promise<string | undefined>;
  pathForFile(file: File): string;
  /** The menu's "Push Image Tarball…". */
  onOpenArchives(handler: () => void): () => void;
  /** Tarballs opened with the app from the OS, as absolute paths. */
  onOpenFiles(handler: (paths: readonly string[]) => void): () => void;
}
