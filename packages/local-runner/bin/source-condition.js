// A module resolution hook that adds the `yieldflow-source` export condition, so that in a source checkout the
// @yieldflow/* packages resolve to their TypeScript sources (see package.json "exports").
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes("yieldflow-source")
    ? context.conditions
    : [...context.conditions, "yieldflow-source"];
  return nextResolve(specifier, { ...context, conditions });
}
