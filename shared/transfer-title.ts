// How a copy or a push names its destination for people: the registry by the name the user gave it, then repository
// and tag ("Prod · team/web:1"), the same in the host's job list and in the renderer before the host's first word.
export function copyTitle(registryName: string, repository: string, tag: string): string {
  return `${registryName} · ${repository}:${tag}`;
}
