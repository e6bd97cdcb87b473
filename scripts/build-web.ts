// `npm run build:web`: builds the web calendar into web/dist and prints its weight.
import { buildWeb } from './web-bundle';

const { sizes } = await buildWeb(process.cwd());
for (const [name, size] of Object.entries(sizes)) {
  console.log(`web/dist/${name}: ${(size.raw / 1024).toFixed(1)} KiB, ${(size.gzipped / 1024).toFixed(1)} KiB gzipped`);
}
