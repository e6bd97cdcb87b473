import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CalendarStack } from '../lib/calendar-stack';

const app = new App();
new CalendarStack(app, 'CalendarService', {
  timeZone: app.node.tryGetContext('timeZone') ?? process.env.TIME_ZONE ?? 'UTC',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// Synth fails on any AwsSolutions finding that is not acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
