// Opens a link in the user's browser when window-policy.ts allows it; any other link is dropped.
import { shell } from 'electron';
import { isAllowedExternalLink } from './window-policy';

export function openExternalLink(url: string): void {
  if (isAllowedExternalLink(url)) void shell.openExternal(url);
}
