import { createContext, useContext, type Accessor, type ParentProps } from 'solid-js';
import type { ApiClient } from '@acme/api/client';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Api {
  client: ApiClient;
  /** The WebSocket's state, for the connection indicator. */
  connection: Accessor<ConnectionState>;
  /** The server's origin for plain HTTP routes (uploads, CSV downloads). */
  baseUrl: string;
}

const ApiContext = createContext<Api>();

export function ApiProvider(props: ParentProps<{ api: Api }>) {
  return <ApiContext.Provider value={props.api}>{props.children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an <ApiProvider> around it');
  return api;
}
