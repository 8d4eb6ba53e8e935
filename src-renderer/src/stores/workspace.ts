// The open workspace (`workspace:info`): its path, datasets, tags, and what the transport can do; the connection.
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

  api.onConnection((c) => {
    connection.value = c;
  });

  return { info, loadError, connection, load };
});
