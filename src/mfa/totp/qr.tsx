/** @jsxImportSource hono/jsx */
// A QR code as inline SVG, drawn by the server (no script, no image request): one path of
// unit squares over a white quiet zone, scaled by the viewBox. uqr does the encoding.
import type { FC } from "hono/jsx";
import { encode } from "uqr";

/** The path data of the dark modules, offset by the quiet zone. */
export function qrPath(text: string, quietZone = 4): { size: number; d: string } {
  const { data, size } = encode(text, { ecc: "M", border: 0 });
  const parts: string[] = [];
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x + quietZone} ${y + quietZone}h1v1h-1z`);
    }),
  );
  return { size: size + 2 * quietZone, d: parts.join("") };
}

export const QrCode: FC<{ text: string; label: string; id?: string }> = ({ text, label, id }) => {
  const { size, d } = qrPath(text);
  return (
    <svg
      id={id}
      class="qr"
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${size} ${size}`}
      width="200"
      height="200"
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={size} height={size} fill="#ffffff" />
      <path d={d} fill="#000000" />
    </svg>
  );
};
