import { Logger } from '@aws-lambda-powertools/logger';

/** The structured JSON logger shared by every function. */
export const logger = new Logger({ serviceName: 'calendar' });
