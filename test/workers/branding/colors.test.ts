// Brand colors against WCAG 2.2's contrast maths (relative luminance, 1.4.3): known
// values from the specification's examples and common reference pairs.
import { describe, expect, it } from "vitest";
import {
  backgroundColorProblem,
  contrastRatio,
  luminance,
  MIN_CONTRAST,
  primaryColorProblem,
} from "../../../src/branding/colors";

describe("luminance", () => {
  it("is 0 for black and 1 for white", () => {
    expect(luminance("#000000")).toBe(0);
    expect(luminance("#ffffff")).toBeCloseTo(1, 10);
  });

  it("weights green most and blue least (0.7152, 0.2126, 0.0722)", () => {
    expect(luminance("#00ff00")).toBeCloseTo(0.7152, 4);
    expect(luminance("#ff0000")).toBeCloseTo(0.2126, 4);
    expect(luminance("#0000ff")).toBeCloseTo(0.0722, 4);
  });

  it("linearizes sRGB (mid grey #808080 is about 0.2159, not 0.5)", () => {
    expect(luminance("#808080")).toBeCloseTo(0.2159, 3);
  });

  it("reads upper-case hex like lower-case", () => {
    expect(luminance("#0B57D0")).toBe(luminance("#0b57d0"));
  });
});

describe("contrastRatio", () => {
  it("is 21:1 for black on white and 1:1 for a color on itself, in either order", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 10);
    expect(contrastRatio("#ffffff", "#000000")).toBeCloseTo(21, 10);
    expect(contrastRatio("#3366cc", "#3366cc")).toBe(1);
  });

  it("matches reference values", () => {
    // #767676 is the lightest grey passing 4.5:1 on white; #777777 just fails.
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrastRatio("#ff0000", "#ffffff")).toBeCloseTo(4.0, 2);
    expect(contrastRatio("#0000ff", "#ffffff")).toBeCloseTo(8.59, 2);
    expect(contrastRatio("#808080", "#000000")).toBeCloseTo(5.32, 2);
  });
});

describe("primaryColorProblem", () => {
  it("accepts colors reaching 4.5:1 with white", () => {
    expect(MIN_CONTRAST).toBe(4.5);
    for (const color of ["#767676", "#0b57d0", "#000000", "#0000FF", "#1a7f37"])
      expect(primaryColorProblem(color), color).toBeNull();
  });

  it("refuses colors below 4.5:1 and says how far they reach", () => {
    expect(primaryColorProblem("#777777")).toMatch(/4\.48:1/);
    expect(primaryColorProblem("#ff0000")).toMatch(/at least 4\.5:1/);
    expect(primaryColorProblem("#ffff00")).not.toBeNull();
    expect(primaryColorProblem("#ffffff")).not.toBeNull();
  });

  it("refuses anything but #rrggbb", () => {
    for (const value of ["#fff", "000000", "#0000000", "red", "#12345g", "rgb(0,0,0)", "#000000;x:y", "", " #000000"])
      expect(primaryColorProblem(value), value).toBe("must be a color in the form #rrggbb");
  });
});

describe("backgroundColorProblem", () => {
  it("accepts any #rrggbb (text sits on the white card, not on the background)", () => {
    expect(backgroundColorProblem("#ffff00")).toBeNull();
    expect(backgroundColorProblem("#F6F8FA")).toBeNull();
  });

  it("refuses anything else", () => {
    for (const value of ["yellow", "#ff0", "url(x)", "#ffffff}body{x:y"])
      expect(backgroundColorProblem(value)).not.toBeNull();
  });
});
