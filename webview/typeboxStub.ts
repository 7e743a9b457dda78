// Stands in for typebox in the webview bundle (esbuild.mjs aliases it). The page imports the
// action and event tables for their names and routes only; the host validates everything, so
// the schemas can be empty here and typebox (≈80 KB) stays out of the first paint.
const emptySchema = (): Record<string, never> => ({});

export const Type: Record<string, typeof emptySchema> = new Proxy({}, { get: () => emptySchema });
