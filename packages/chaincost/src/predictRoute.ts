import { ROUTES, type Route } from '@govrnanza/topology';
import { routeTree } from './callTree';
import type { ChainModel } from './ChainModel';
import { predictTree, type PredictOptions, type Prediction } from './predictTree';

/** Options of {@link predictRoute}: those of a tree, and which calls of the topology to keep. */
export interface PredictRouteOptions extends PredictOptions {
  /** Include calls the topology marks conditional (made only on some requests); default false. */
  includeConditional?: boolean;
}

/** Predicts one gateway route (by id or Route) from the topology's call graph. */
export function predictRoute(route: Route | string, model: ChainModel, options: PredictRouteOptions = {}): Prediction {
  return predictTree(routeTree(route, { includeConditional: options.includeConditional }), model, options);
}

/** Predicts every gateway route (default the topology's ROUTES), each with the same seed. */
export function predictRoutes(model: ChainModel, options: PredictRouteOptions = {}, routes: readonly Route[] = ROUTES): Prediction[] {
  return routes.map((r) => predictRoute(r, model, options));
}
