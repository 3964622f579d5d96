import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build lands in dist/app, which console/web/embed.go embeds into the Go
// binary (dist/.keep stays so the embed pattern always matches).
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist/app",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/widget": "http://127.0.0.1:8080",
    },
  },
});
