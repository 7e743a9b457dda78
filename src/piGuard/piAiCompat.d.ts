// Types of pi-ai's "compat" entry (where pi's extension loader sends an extension's pi-ai
// imports), which this project's module resolution does not read from the package's exports map.
declare module "@earendil-works/pi-ai/compat" {
  export { streamSimple } from "@earendil-works/pi-ai/dist/compat";
}
