export * from '../../local/child-process';
