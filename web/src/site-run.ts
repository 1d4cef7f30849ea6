/**
 * A page written by `glimpse explore` holds a run: index.html carries a note (a JSON script
 * element) naming the run's folder and files beside the page. The page then opens on that run.
 */
import type { PickedFile } from './run-files.js';

/** The note's id and shape, as src/cli/explore-site.ts writes them. */
const NOTE_ID = 'glimpse-site-run';
interface SiteRunNote {
  folder: string;
  name: string;
  files: string[];
}

/** The run this page holds, or null for the plain page. */
export function siteRun(): SiteRunNote | null {
  const note = document.getElementById(NOTE_ID);
  if (!note?.textContent) return null;
  const parsed = JSON.parse(note.textContent) as Partial<SiteRunNote>;
  if (typeof parsed.folder !== 'string' || typeof parsed.name !== 'string' || !Array.isArray(parsed.files)) {
    throw new Error(`the page's ${NOTE_ID} note is not {folder, name, files}`);
  }
  return { folder: parsed.folder, name: parsed.name, files: parsed.files.filter((f): f is string => typeof f === 'string') };
}

/** Downloads the run's files from beside the page, as if the user had picked its folder. */
export async function fetchSiteRun(note: SiteRunNote): Promise<PickedFile[]> {
  return Promise.all(note.files.map(async (name) => {
    const url = new URL(`${note.folder}/${name}`, document.baseURI);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status} (the site's run files must sit in ${note.folder}/ beside index.html)`);
    return { file: new File([await response.blob()], name), path: `${note.name}/${name}` };
  }));
}
