import type { AnyEndpointDefinition } from '../endpoint';
import { documentEndpoints } from './document';
import { iamEndpoints } from './iam';
import { platformManagementEndpoints } from './platform-management';
import { stateEndpoints } from './state';
import { stateManagementEndpoints } from './state-management';

// Every implemented endpoint, by catalogue id. A catalogue endpoint that is missing here answers
// 501; adding a service means adding its list below (see ../endpoint.ts).
const ALL: readonly AnyEndpointDefinition[] = [
  ...documentEndpoints,
  ...stateEndpoints,
  ...stateManagementEndpoints,
  ...iamEndpoints,
  ...platformManagementEndpoints,
];

export const IMPLEMENTED_ENDPOINTS: ReadonlyMap<string, AnyEndpointDefinition> = new Map(ALL.map((e) => [e.id, e]));
