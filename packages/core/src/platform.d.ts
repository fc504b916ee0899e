/**
 * The one platform type core names: the `AbortSignal` an activity implementation receives (its driver provides
 * it; core never creates one). Node and browsers define it; core is built without Node's types (it does no I/O),
 * so the part core relies on is declared here and merges with the platform's own declaration.
 */
interface AbortSignal {
  readonly aborted: boolean;
}
