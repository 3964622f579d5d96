import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The site chat widget (console/widget/src) as one IIFE script in
// dist/widget/widget.js, which console/web/embed.go embeds and the hub
// serves as /widget.js. Its packages come from this folder's node_modules
// (one lockfile for the console and the widget).
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  publicDir: false,
  resolve: {
    alias: { dompurify: here("node_modules/dompurify/dist/purify.es.mjs") },
  },
  build: {
    outDir: "dist/widget",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
    lib: {
      entry: here("../widget/src/main.ts"),
      formats: ["iife"],
      name: "SwitchboardWidget",
      fileName: () => "widget.js",
    },
  },
});
