/**
 * Which variables a selection names: the `variablesToTrain` and `variablesToWarmStart` options
 * (the CLI's --variables_to_train and --variables_to_warm_start) take the original project's
 * list names (`s3dg_convs`: everything but the logits; `s3dg_logits`: the `InceptionV1/Logits`
 * scope), comma-separated scopes or names, or a regular expression (`re:<pattern>` or any value
 * with regex characters), matched against TF variable names.
 */
export type VariablePredicate = (name: string) => boolean;

const LOGITS_SCOPE = 'InceptionV1/Logits';

function inScope(name: string, scope: string): boolean {
  const s = scope.replace(/\/+$/, '');
  return name === s || name.startsWith(`${s}/`);
}

/** `option` names the option in errors (e.g. `variablesToTrain`); an empty or missing spec selects everything. */
export function parseVariableSelection(spec: string | undefined, option: string): VariablePredicate {
  if (spec === undefined || spec.trim() === '' || spec === '.*' || spec === 'all') return () => true;
  const value = spec.trim();
  if (value === 's3dg_convs') return (n) => !inScope(n, LOGITS_SCOPE);
  if (value === 's3dg_logits') return (n) => inScope(n, LOGITS_SCOPE);
  if (value.startsWith('re:') || /[\\^$*+?()[\]{}|]/.test(value)) {
    const source = value.startsWith('re:') ? value.slice(3) : value;
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${source})`);
    } catch (e) {
      throw new Error(`\`${option}\`: "${source}" is not a valid regular expression (${(e as Error).message})`);
    }
    return (n) => re.test(n);
  }
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return (n) =>
    scopes.some((s) => (s === 's3dg_convs' ? !inScope(n, LOGITS_SCOPE) : s === 's3dg_logits' ? inScope(n, LOGITS_SCOPE) : inScope(n, s)));
}
