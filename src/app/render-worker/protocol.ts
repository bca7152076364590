import type { InputLocation } from '../../core/errors.js';
import type { RenderInput } from '../../core/render/render.js';
import type { PortableRenderedResource } from '../../core/render/resources.js';

/** What a render worker is asked: the first half of a render, without functions (they do not cross threads). */
export type RenderJob = Omit<RenderInput, 'isNamespaced'>;

/** What it answers: the resources, or the LadderInputError the render threw, as data. */
export type RenderReply =
  | { ok: true; resources: PortableRenderedResource[] }
  | { ok: false; input: true; message: string; location: InputLocation }
  | { ok: false; input: false; message: string };
