/// <reference types="vite/client" />

// vue-tsc reads .vue files itself; plain TypeScript (typescript-eslint's type information) sees
// them through this declaration.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
