/**
 * Git remote URLs as plans name them (`repo.url`). Pure: shared by the client's checks and the workers.
 * Credentials never travel in a plan (it is workflow history): git finds them in the worker's own configuration.
 */

/** `https://user:secret@host/x.git` → `https://user:***@host/x.git`, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

/** Why a URL may not go into a plan, or undefined when it may. */
export function remoteUrlProblem(url: string): string | undefined {
  if (!url.trim()) return 'repo.url: is empty';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@:]*:[^/@]*@/i.test(url)) {
    return `repo.url: ${displayUrl(url)} carries a password; plans are kept in workflow history, so give git its credentials through the worker's own configuration (a credential helper, ~/.ssh, ~/.netrc) instead`;
  }
  if (url.startsWith('-')) return `repo.url: "${url}" is not a URL`;
  return undefined;
}
