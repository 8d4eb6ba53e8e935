// The open workspace (`workspace:info`): its path, datasets, tags, and what the transport can do; the connection.
// It reloads on `pairs:changed`, so datasets imported by another process appear without a reload.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WorkspaceInfo } from '../../../src-shared/ipc/contract';
import { useApi, type ConnectionInfo } from '../api';
import { useToastsStore } from './toasts';

export const useWorkspaceStore = defineStore('workspace', () => {
  const api = useApi();
  const toasts = useToastsStore();
  const info = ref<WorkspaceInfo | null>(null);
  const loadError = ref<string | null>(null);
  const connection = ref<ConnectionInfo>({ state: 'connecting' });

  async function load(): Promise<void> {
    try {
      info.value = await api.workspace.info({});
      loadError.value = null;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
      toasts.error(err, 'Opening the workspace');
    }
  }

  // Pairs imported, deleted or tagged elsewhere (another process, a bulk action) change the datasets and tags listed.
  api.on('pairs:changed', () => {
    void load();
  });

  api.onConnection((c) => {
    connection.value = c;
  });

  return { info, loadError, connection, load };
});
