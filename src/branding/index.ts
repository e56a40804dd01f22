export { backgroundColorProblem, contrastRatio, primaryColorProblem } from "./colors";
export { checkCustomCss, MAX_CUSTOM_CSS_BYTES } from "./css";
export { brandingStylesheet, brandingStylesheetPath } from "./stylesheet";
