// zod/mini is the tree-shakable build of zod (a fraction of the classic build's size,
// which matters for cold starts). Modules import it as `import * as z from "zod/mini"`;
// re-exporting the namespace object would defeat tree shaking. This module, imported
// once by the management API, installs English error messages.
import { config } from "zod/mini";
import { en } from "zod/locales";

config(en());
