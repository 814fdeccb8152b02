export * from "./git-writer.js";
