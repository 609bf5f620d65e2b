import { GradCamError } from '../errors.js';
import type { MethodId } from '../types.js';
import { ablationCam } from './ablationcam.js';
import { eigenCam } from './eigencam.js';
import { gradCam } from './gradcam.js';
import { gradCamElementWise } from './gradcam-elementwise.js';
import { gradCamPlusPlus } from './gradcam-plusplus.js';
import { hiResCam } from './hirescam.js';
import { layerCam } from './layercam.js';
import type { CamMethod } from './method.js';
import { scoreCam } from './scorecam.js';
import { xGradCam } from './xgradcam.js';

/** Every method, by id, in the order `gradcam methods` lists them. */
export const METHODS: Readonly<Record<MethodId, CamMethod>> = {
  gradcam: gradCam,
  'gradcam++': gradCamPlusPlus,
  xgradcam: xGradCam,
  hirescam: hiResCam,
  layercam: layerCam,
  'gradcam-elementwise': gradCamElementWise,
  eigencam: eigenCam,
  scorecam: scoreCam,
  ablationcam: ablationCam,
};

/** The method for `id`, or an error listing the valid ids. */
export function getMethod(id: string): CamMethod {
  const m = (METHODS as Record<string, CamMethod>)[id];
  if (!m) throw new GradCamError(`unknown method '${id}'; methods: ${Object.keys(METHODS).join(', ')}`);
  return m;
}
