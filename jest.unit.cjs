// The `unit` project of jest.config.cjs on its own, rooted here: StrykerJS runs the tests
// in a sandbox copy of the repository, where a rootDir fixed elsewhere would point back here.
const { projects } = require('./jest.config.cjs');

const { displayName, ...unit } = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = { ...unit, displayName, rootDir: __dirname };
