/**
 * `npm start` loads every route's handler before its first request, as Lambda loads a
 * function's code before it serves: each module loads and exports its handler.
 */
import { fallbackRoute, routes } from '../../functions/routes';
import { preloadHandlers } from '../../local/server';

jest.setTimeout(60_000);

it("loads every route's handler module, and each exports a handler", async () => {
  const modules = [...new Set([...routes.map((route) => route.handler), fallbackRoute.handler])];
  expect((await preloadHandlers()).sort()).toEqual(modules.sort());
});
