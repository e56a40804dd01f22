// Brand colors must keep the pages readable: the primary color is the background of
// buttons with white text and the color of links on white, so it must reach WCAG 2.2's
// 4.5:1 contrast against white (success criterion 1.4.3).
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
export const MIN_CONTRAST = 4.5;

function channel(hex: string): number {
  const value = parseInt(hex, 16) / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb color. */
export function luminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => channel(color.slice(i, i + 2)));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** Why a primary color is refused, or null. */
export function primaryColorProblem(color: string): string | null {
  if (!HEX_COLOR.test(color)) return "must be a color in the form #rrggbb";
  const ratio = contrastRatio(color, "#ffffff");
  if (ratio < MIN_CONTRAST)
    return `must contrast at least ${MIN_CONTRAST}:1 with white text (this color reaches ${ratio.toFixed(2)}:1)`;
  return null;
}

export function backgroundColorProblem(color: string): string | null {
  return HEX_COLOR.test(color) ? null : "must be a color in the form #rrggbb";
}
