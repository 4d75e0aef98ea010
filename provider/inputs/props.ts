/** The untyped property bag the Pulumi host passes around (inputs, outputs, state). */
export type Props = Record<string, any>;
