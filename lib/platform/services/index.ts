import type { AnyEndpointDefinition } from '../endpoint';
import { appEngineEndpoints } from './app-engine';
import { appSettingsEndpoints } from './app-settings';
import { automationEndpoints } from './automation';
import { davisEndpoints } from './davis';
import { davisCopilotEndpoints } from './davis-copilot';
import { documentEndpoints } from './document';
import { emailEndpoints } from './email';
import { iamEndpoints } from './iam';
import { notificationEndpoints } from './notification';
import { platformManagementEndpoints } from './platform-management';
import { settingsEndpoints } from './settings';
import { stateEndpoints } from './state';
import { stateManagementEndpoints } from './state-management';
import { storageEndpoints } from './storage';

// Every implemented endpoint, by catalogue id. A catalogue endpoint that is missing here answers
// 501; adding a service means adding its list below (see ../handler.ts).
const ALL: readonly AnyEndpointDefinition[] = [
  ...documentEndpoints,
  ...stateEndpoints,
  ...stateManagementEndpoints,
  ...iamEndpoints,
  ...platformManagementEndpoints,
  ...storageEndpoints,
  ...settingsEndpoints,
  ...appSettingsEndpoints,
  ...automationEndpoints,
  ...appEngineEndpoints,
  ...notificationEndpoints,
  ...davisEndpoints,
  ...davisCopilotEndpoints,
  ...emailEndpoints,
];

export const IMPLEMENTED_ENDPOINTS: ReadonlyMap<string, AnyEndpointDefinition> = new Map(ALL.map((e) => [e.id, e]));
