/**
 * The handle a declaration (./types.ts) gets on objects it walked. Apart so that the models that
 * hold one (../models.ts) do not import the declarations, which name every model (./views.ts).
 */
declare const objectsBrand: unique symbol;
/** Opaque handle on objects already walked, for a child that is the same objects again. */
export interface ObjectsRef<H> {
  readonly [objectsBrand]: H;
}
