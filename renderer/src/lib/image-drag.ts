// Tags dragged from a tag list onto a registry in the sidebar: what the drag carries, checked when it lands.
export const IMAGE_DRAG_TYPE = 'application/x-stevedore-tags';

export interface DraggedTags {
  readonly registryId: string;
  readonly repository: string;
  readonly tags: readonly string[];
}

/** A drag can hold any number of tags, but one drop copies at most this many. */
const MAX_TAGS = 100;

export function writeDraggedTags(data: DataTransfer, dragged: DraggedTags): void {
  data.setData(IMAGE_DRAG_TYPE, JSON.stringify(dragged));
  data.setData('text/plain', dragged.tags.map((t) => `${dragged.repository}:${t}`).join('\n'));
  data.effectAllowed = 'copy';
}

export function readDraggedTags(data: DataTransfer): DraggedTags | undefined {
  try {
    const value = JSON.parse(data.getData(IMAGE_DRAG_TYPE)) as Partial<DraggedTags>;
    const tags = Array.isArray(value.tags) ? value.tags.filter((t): t is string => typeof t === 'string').slice(0, MAX_TAGS) : [];
    if (typeof value.registryId !== 'string' || typeof value.repository !== 'string' || tags.length === 0) return undefined;
    return { registryId: value.registryId, repository: value.repository, tags };
  } catch {
    return undefined;
  }
}
