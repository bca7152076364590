import type { Finding, Severity } from '../../findings.js';
import type { ManifestDocument } from '../../manifests/document.js';
import { definitionRefPrefix, isSchemaBundle, type BundledKind, type JsonSchema, type SchemaBundle } from './bundle.js';
import { createCustomCompiler, createSchemaCompilers, type KindValidator, type SchemaCompilers } from './compile.js';
import { writeCompiledValidators, type ValidatorCodeStore } from './code-cache.js';
import { crdApiVersion, crdKind, nameOf, readCustomKinds, unsafePatternFinding, unusableSchemaFinding, type CustomKind } from './crds.js';
import { objectMetaRef, operatorCustomKinds, schemaless } from './custom-schemas.js';
import { describeSchemaErrors } from './messages.js';
import { ciphertextView } from '../../secrets/sops-file.js';
import { describeUnknownKind, isListWrapper } from './unknown-kind.js';
import { createApiServerRules, type ServerRefusal } from '../apiserver/index.js';
import { serverView } from './server-view.js';
import { applyRefusals } from '../apiserver/apply.js';
import { createListKeyChecker } from './list-keys.js';

export interface SchemaValidatorOptions {
  /** What a kind with neither a built-in schema nor a CRD in the manifests is: default `error`. */
  unknownKinds?: 'error' | 'warning' | 'ignore';
  /**
   * Compiled built-in validators to reuse, from `createSchemaCompilers(bundle)`
   * with the same bundle. Long-running processes create a validator per run
   * (CRDs belong to a run) but should compile built-in kinds only once.
   */
  compilers?: SchemaCompilers;
  /**
   * Also check what kube-apiserver's own validation refuses in the built-in
   * kinds (rule `apiserver`), for objects that match their schema. Default true.
   */
  apiServerRules?: boolean;
  /** Keeps compiled validators between runs (createSchemaCompilers' store), for built-in kinds and CRDs alike. */
  codeStore?: ValidatorCodeStore;
}

export interface SchemaValidator {
  /** Full release of the schemas, e.g. `1.36.3`. */
  kubernetesVersion: string;
  /**
   * Findings with rule 'schema' for every document; CRDs among `documents`
   * (and among `known`, documents of the set checked elsewhere) validate their custom resources.
   */
  validate(documents: readonly ManifestDocument[], known?: readonly ManifestDocument[]): Finding[];
  /** true/false for known kinds (built-in or CRD seen by validate), undefined when unknown. */
  isNamespaced(apiVersion: string, kind: string): boolean | undefined;
}


/**
 * Validates Kubernetes objects against the schemas of one release, strict like
 * `kubeconform -strict`. Validators are compiled per kind on first use and
 * kept, so a large manifest set pays the compile cost once per kind.
 */
export function createSchemaValidator(bundle: SchemaBundle, options: SchemaValidatorOptions = {}): SchemaValidator {
  if (!isSchemaBundle(bundle)) throw new TypeError('not a Ladder schema bundle (regenerate it with src/tools/generate-kubernetes-schemas.ts)');
  const unknownKinds = options.unknownKinds ?? 'error';
  if (options.compilers && options.compilers.bundle !== bundle) throw new TypeError('compilers were created for another schema bundle');
  const store = options.codeStore ? { store: options.codeStore } : {};
  const compilers = options.compilers ?? createSchemaCompilers(bundle, store);
  const compileCustom = createCustomCompiler(bundle, store);
  const customKinds = new Map<string, { custom: CustomKind; validator: KindValidator }>();
  const listKeys = createListKeyChecker(bundle.definitions);
  const serverRules = options.apiServerRules === false ? undefined : createApiServerRules(minorOf(bundle.kubernetesVersion));

  const builtIn = (apiVersion: string, kind: string): BundledKind | undefined =>
    Object.hasOwn(bundle.kinds, apiVersion) && Object.hasOwn(bundle.kinds[apiVersion]!, kind) ? bundle.kinds[apiVersion]![kind] : undefined;

  // The vendored operator CRDs, read on the first object of a kind nothing else serves; each kind compiled on first use.
  let operatorKinds: Map<string, CustomKind> | undefined;
  const operatorValidators = new Map<string, KindValidator>();
  const operatorKind = (apiVersion: string, kind: string): CustomKind | undefined =>
    (operatorKinds ??= operatorCustomKinds(bundle)).get(`${apiVersion}\0${kind}`);

  // One answer (and one schema object, which list-keys.ts keeps its plan by) per built-in kind.
  const builtInValidators = new Map<string, { validator: KindValidator; schema: JsonSchema }>();
  const validatorFor = (apiVersion: string, kind: string): { validator: KindValidator; schema: JsonSchema } | undefined => {
    const custom = customKinds.size > 0 ? customKinds.get(`${apiVersion}\0${kind}`) : undefined;
    if (custom) return { validator: custom.validator, schema: custom.custom.schema ?? schemaless };
    const known = builtIn(apiVersion, kind);
    if (known) {
      let found = builtInValidators.get(known.definition);
      if (!found) builtInValidators.set(known.definition, (found = { validator: compilers.builtIn(known.definition), schema: { $ref: definitionRefPrefix + known.definition } }));
      return found;
    }
    const operator = operatorKind(apiVersion, kind);
    if (!operator) return undefined;
    const key = `${apiVersion}\0${kind}`;
    let validator = operatorValidators.get(key);
    if (!validator) operatorValidators.set(key, (validator = compileCustom(operator.schema ?? schemaless)));
    return { validator, schema: operator.schema ?? schemaless };
  };

  /** Registers the kinds of the CRDs in `documents`; returns findings about CRD schemas that cannot be compiled. */
  const registerCustomKinds = (documents: readonly ManifestDocument[]): Finding[] => {
    const findings: Finding[] = [];
    for (const document of documents) {
      if (document.object['apiVersion'] !== crdApiVersion || document.object['kind'] !== crdKind) continue;
      for (const custom of readCustomKinds(document, objectMetaRef)) {
        for (const unsafe of custom.unsafePatterns) findings.push(unsafePatternFinding(custom, unsafe));
        let validator: KindValidator;
        try {
          validator = compileCustom(custom.schema ?? schemaless);
        } catch (error) {
          findings.push(unusableSchemaFinding(custom, (error as Error).message));
          validator = compileCustom(schemaless);
        }
        customKinds.set(`${custom.apiVersion}\0${custom.kind}`, { custom, validator });
      }
    }
    return findings;
  };

  const validateDocument = (document: ManifestDocument, findings: Finding[]): void => {
    // A SOPS-encrypted Secret is checked for its shape; its values only the agent sees (docs/secrets.md).
    const object = ciphertextView(document.object);
    const findingsBefore = findings.length;
    const apiVersion = object['apiVersion'];
    const kind = object['kind'];
    const name = nameOf(document);
    const report = (path: (string | number)[], message: string, severity: Severity = 'error', hint?: string): void => {
      const where = path.length === 0 ? document.start : document.positionOf(path);
      findings.push({
        file: document.file, line: where.line, column: where.column,
        ...(typeof kind === 'string' && kind ? { kind } : {}),
        ...(name ? { name } : {}),
        rule: 'schema', severity, message, ...(hint ? { hint } : {}),
      });
    };
    const reportServer = (refusal: ServerRefusal): void => {
      const where = refusal.location.length === 0 ? document.start : document.positionOf(refusal.location);
      findings.push({
        file: document.file, line: where.line, column: where.column,
        ...(typeof kind === 'string' && kind ? { kind } : {}),
        ...(name ? { name } : {}),
        rule: 'apiserver', severity: refusal.severity, message: refusal.message, hint: refusal.hint,
      });
    };

    const identified = typeof apiVersion === 'string' && apiVersion !== '' && typeof kind === 'string' && kind !== '';
    const missing = identified ? noneMissing : [['apiVersion', apiVersion], ['kind', kind]].filter(([, value]) => typeof value !== 'string' || value === '');
    for (const [field, value] of missing) {
      const present = value !== undefined && value !== null;
      report(present ? [field as string] : [], present ? `${String(field)}: expected a non-empty string` : `${String(field)}: required field missing`,
        'error', 'Every Kubernetes object needs apiVersion (e.g. apps/v1) and kind (e.g. Deployment).');
    }
    const listWrapper = missing.length === 0 && isListWrapper(apiVersion as string, kind as string, bundle);
    if (!listWrapper) checkName(object, report); // a List has items, not a name
    if (missing.length > 0) return;

    const found = listWrapper ? undefined : validatorFor(apiVersion as string, kind as string);
    if (!found) {
      if (unknownKinds === 'ignore' && !listWrapper) return;
      const customServedAs = [...customKinds.values()].filter((entry) => entry.custom.kind === kind).map((entry) => entry.custom.apiVersion);
      const { message, hint } = describeUnknownKind(apiVersion as string, kind as string, bundle, customServedAs);
      report(['kind'], message, !listWrapper && unknownKinds === 'warning' ? 'warning' : 'error', hint);
      return;
    }
    const { validator, schema } = found;
    if (validator.check(object)) {
      // Server-side apply merges lists by their keys before anything else looks at the object.
      for (const problem of listKeys.check(schema, object)) {
        const where = document.positionOf(problem.path);
        findings.push({
          file: document.file, line: where.line, column: where.column,
          ...(typeof kind === 'string' && kind ? { kind } : {}),
          ...(name ? { name } : {}),
          rule: 'apiserver', severity: 'error', message: problem.message,
          hint: 'Server-side apply (the agent, kubectl apply --server-side) merges list entries by key: remove the duplicate or give it its own key.',
        });
      }
      // The API server decodes an object before it validates it: its own rules apply once the schema holds.
      if (serverRules && findings.length === findingsBefore) for (const refusal of serverRules.check(object)) reportServer(refusal);
      if (serverRules) for (const refusal of applyRefusals(object)) reportServer(refusal);
      return;
    }
    const sensitive = kind === 'Secret' ? (path: readonly (string | number)[]) => path[0] === 'data' || path[0] === 'stringData' : undefined;
    const errors = validator.explain(object);
    const view = serverRules?.covers(apiVersion as string, kind as string) ? serverView(errors, object, serverRules, bundle.definitions) : undefined;
    if (view) {
      const minor = minorOf(bundle.kubernetesVersion);
      for (const problem of describeSchemaErrors(view.dropped, object, sensitive)) {
        report(problem.path, `${problem.message}; kube-apiserver 1.${minor} drops this field before validating (its feature is off by default, or another field makes it unused), so it has no effect`, 'warning',
          'Remove the field, or check that the feature it belongs to is enabled on your cluster.');
      }
      for (const refusal of view.refusals) reportServer(refusal);
      for (const problem of describeSchemaErrors(view.standing, object, sensitive)) report(problem.path, problem.message);
      return;
    }
    const problems = describeSchemaErrors(errors, object, sensitive);
    // Both validators come from the same schema; should they ever disagree, the object still fails loudly.
    if (problems.length === 0) report([], `(document): does not match the ${String(kind)} schema`);
    for (const problem of problems) report(problem.path, problem.message);
  };

  return {
    kubernetesVersion: bundle.kubernetesVersion,
    validate(documents, known = []) {
      // A CRD checked elsewhere still defines its kind here; its own problems are reported there.
      registerCustomKinds(known);
      const findings = registerCustomKinds(documents);
      for (const document of documents) validateDocument(document, findings);
      // Validators compiled for these documents are kept now that they have run (code-cache.ts).
      writeCompiledValidators();
      return findings;
    },
    isNamespaced(apiVersion, kind) {
      return customKinds.get(`${apiVersion}\0${kind}`)?.custom.namespaced ?? builtIn(apiVersion, kind)?.namespaced ?? operatorKind(apiVersion, kind)?.namespaced;
    },
  };
}

const noneMissing: readonly [string, unknown][] = [];

/** `1.36.3` → 36. */
function minorOf(version: string): number {
  return Number(version.split('.')[1]);
}

/** `kubectl apply` and server-side apply need a name; generateName alone only works with `create`. */
function checkName(object: Record<string, unknown>, report: (path: (string | number)[], message: string) => void): void {
  const metadata = object['metadata'];
  if (metadata === undefined || metadata === null) {
    report([], 'metadata.name: required field missing');
    return;
  }
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return; // the schema reports the wrong type
  const name = (metadata as Record<string, unknown>)['name'];
  if (name === undefined || name === null) report(['metadata'], 'metadata.name: required field missing');
  else if (name === '') report(['metadata', 'name'], 'metadata.name: must not be empty');
}
